import { expect } from '@playwright/test';
import { test } from './fixtures';
import { LEAD, staffLogIn } from './board';

// The rooms list and the room page in every project: created without JavaScript too,
// accessible, and usable on a phone. The live video is tested in rooms-video.spec.ts.

test('a lead creates a room and opens its page', async ({ page, hydrated, visit, expectAccessible }) => {
  test.setTimeout(90_000);
  await staffLogIn(page, hydrated, LEAD);
  await visit('/rooms');
  await page.getByRole('button', { name: 'Lag rom' }).click();
  // A room needs a name; the form says so.
  await expect(page.getByText(/Navn på samlingen/).first()).toBeVisible();
  await expect(page.locator('.error-summary, [role="alert"]').first()).toBeVisible();
  const title = `Søvnkurs ${Date.now()}`;
  await page.getByLabel('Navn på samlingen').fill(title);
  await page.getByRole('button', { name: 'Lag rom' }).click();
  const open = page.getByRole('link', { name: `Åpne ${title}` });
  await expect(open).toBeVisible();
  await expectAccessible();
  await open.click();
  await expect(page).toHaveURL(/\/rooms\/[0-9a-f]{32}$/);
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.getByText('Ingenting blir tatt opp')).toBeVisible();
  if (hydrated) {
    await expect(page.getByLabel('Navn de andre ser')).toHaveValue('Lise');
    await expect(page.getByRole('button', { name: 'Åpne rommet' })).toBeVisible();
    await expect(page.getByText('Videorommet trenger JavaScript')).toBeHidden();
  } else {
    await expect(page.getByText('Videorommet trenger JavaScript')).toBeVisible();
  }
  await expectAccessible();
});
