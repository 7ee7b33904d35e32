import { test, expect, waitForHydration } from './fixtures';
import { linkIn, mailTo } from './mail';
import { registerAndConfirm } from './accounts';

test('a forgotten password is replaced through an emailed link', async ({
  page,
  hydrated,
  expectAccessible,
}, testInfo) => {
  // An account of this test's own, so no other test's login is disturbed.
  const email = `glemsk-${testInfo.project.name}@example.no`;
  await registerAndConfirm(page, hydrated, 'Glemsk Person', email, 'det gamle lange passordet');

  await page.getByRole('link', { name: 'Glemt passordet?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Glemt passord' })).toBeVisible();
  if (hydrated) await waitForHydration(page);
  await expectAccessible();
  await page.getByLabel('E-postadresse').fill(email);
  await page.getByRole('button', { name: 'Send lenke' }).click();
  await expect(page.getByText('Hvis det finnes en konto med denne adressen')).toBeVisible();

  await expect.poll(() => mailTo(email).length).toBe(2);
  await page.goto(linkIn(mailTo(email)[1], '/reset-password?token='));
  if (hydrated) await waitForHydration(page);
  await expectAccessible();
  await page.getByLabel('Velg et passord').fill('kort');
  await page.getByRole('button', { name: 'Lagre nytt passord' }).click();
  await expect(page.getByRole('alert')).toContainText('Passordet må ha minst 10 tegn.');
  await page.getByLabel('Velg et passord').fill('det nye og enda lengre passordet');
  await page.getByRole('button', { name: 'Lagre nytt passord' }).click();

  await expect(page.getByRole('status')).toContainText('Passordet er endret');
  await page.getByLabel('E-postadresse').fill(email);
  await page.getByLabel('Passord').fill('det nye og enda lengre passordet');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page.getByRole('heading', { name: 'Glemsk Person' })).toBeVisible();
});
