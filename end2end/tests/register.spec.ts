import { test, expect, waitForHydration } from './fixtures';
import { linkIn, mailTo } from './mail';

test.describe('registration', () => {
  test('wrong input is named at the top and at each field, and nothing typed is lost', async ({
    page,
    visit,
    expectAccessible,
  }) => {
    await visit('/register');
    await expectAccessible();
    await page.getByLabel('E-postadresse').fill('ikke-en-adresse');
    await page.getByLabel('Velg et passord').fill('kort');
    await page.getByRole('button', { name: 'Opprett konto' }).click();

    const summary = page.getByRole('alert');
    await expect(summary).toContainText('Noe av det du skrev må rettes');
    await expect(summary.getByRole('link', { name: 'Fyll ut dette feltet.' })).toHaveAttribute('href', '#field-name');
    await expect(page.getByText('Passordet må ha minst 10 tegn.').first()).toBeVisible();
    await expect(page.getByLabel('E-postadresse')).toHaveValue('ikke-en-adresse');
    await expect(page.getByLabel('E-postadresse')).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible();
  });

  test('a citizen registers, confirms the address from the email, and logs in', async ({
    page,
    visit,
    hydrated,
    expectAccessible,
  }, testInfo) => {
    const email = `ola-${testInfo.project.name}@example.no`;
    await visit('/register');
    await page.getByLabel('Navn').fill('Ola Nordmann');
    await page.getByLabel('E-postadresse').fill(email);
    await page.getByLabel('Velg et passord').fill('en lang setning om fjellet');
    await page.getByRole('button', { name: 'Opprett konto' }).click();

    await expect(page.getByRole('heading', { level: 1, name: 'Sjekk e-posten din' })).toBeVisible();
    await expectAccessible();

    await expect.poll(() => mailTo(email).length).toBe(1);
    const link = linkIn(mailTo(email)[0], '/verify-email?token=');
    await page.goto(link);
    if (hydrated) await waitForHydration(page);
    await expectAccessible();
    await page.getByRole('button', { name: 'Bekreft e-postadressen' }).click();

    await expect(page.getByRole('status')).toContainText('E-postadressen er bekreftet');
    await page.getByLabel('E-postadresse').fill(email);
    await page.getByLabel('Passord').fill('en lang setning om fjellet');
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await expect(page.getByRole('heading', { name: 'Ola Nordmann' })).toBeVisible();
  });
});
