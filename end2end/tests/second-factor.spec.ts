import { test, expect, waitForHydration } from './fixtures';
import { logIn, registerAndConfirm, totp } from './accounts';

test('a person turns on a one-time code and is asked for it at the next login', async ({
  page,
  hydrated,
  expectAccessible,
}, testInfo) => {
  const email = `kode-${testInfo.project.name}@example.no`;
  const password = 'et langt passord for koder';
  await registerAndConfirm(page, hydrated, 'Kode Person', email, password);
  await logIn(page, email, password);
  await expect(page.getByRole('heading', { name: 'Kode Person' })).toBeVisible();

  await page.getByRole('link', { name: 'Slå på innlogging med engangskode' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Innlogging med engangskode' })).toBeVisible();
  if (hydrated) await waitForHydration(page);
  await expect(page.getByRole('img', { name: 'QR-kode for autentiseringsappen' })).toBeVisible();
  await expect(page.locator('.recovery-codes li')).toHaveCount(10);
  await expectAccessible();
  // Every load starts enrolment afresh (and the accessibility check loaded it too).
  await page.reload();
  if (hydrated) await waitForHydration(page);

  const secret = await page.locator('code.secret').getAttribute('data-secret');
  await page.getByLabel('Kode').fill(totp(secret!));
  await page.getByRole('button', { name: 'Slå på' }).click();
  await expect(page.getByText('Innlogging med engangskode er slått på.')).toBeVisible();

  await page.getByRole('button', { name: 'Logg ut', exact: true }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/login');
  if (hydrated) await waitForHydration(page);
  await logIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/code$/);
});
