import { test, expect } from './fixtures';

test('a citizen finds who has looked at their data from their page', async ({ page, visit, expectAccessible }) => {
  await visit('/login');
  await page.getByLabel('E-postadresse').fill('innbygger@demo.example');
  await page.getByLabel('Passord').fill('demo-passord-innbygger');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page.getByRole('heading', { name: 'Kari Nordmann' })).toBeVisible();

  await page.getByRole('link', { name: 'Hvem har sett opplysningene mine' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hvem har sett opplysningene mine' })).toBeVisible();
  await expect(page.getByText('Ingen ansatte har sett opplysningene dine.')).toBeVisible();
  await expectAccessible();
});

test('the access log is not shown without a login, and the login comes back to it', async ({ page, visit }) => {
  await visit('/account/access-log');
  await expect(page).toHaveURL(/\/login\?next=\/account\/access-log$/);
  await page.getByLabel('E-postadresse').fill('innbygger@demo.example');
  await page.getByLabel('Passord').fill('demo-passord-innbygger');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hvem har sett opplysningene mine' })).toBeVisible();
});
