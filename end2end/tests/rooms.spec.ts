import { expect } from '@playwright/test';
import { test } from './fixtures';
import { staffLogIn } from './board';
import { CITIZEN, THERAPIST, citizenLogIn } from './rooms';

// The rooms list and the room page, with and without JavaScript, on desktop and
// phone. The live video is tested in rooms-video.spec.ts.

test('a person opening a room link sees the join form, or is told the room needs JavaScript', async ({ page, hydrated, visit, expectAccessible }) => {
  await citizenLogIn(page, CITIZEN, hydrated);
  await visit('/rooms/demo-kurs-i-mestring');
  await expect(page.getByRole('heading', { name: 'Demo: Kurs i mestring, økt 1' })).toBeVisible();
  await expect(page.getByText('Ingenting blir tatt opp')).toBeVisible();
  if (hydrated) {
    await expect(page.getByText('Videorommet trenger JavaScript')).toBeHidden();
    // The first name is offered; the surname is never shown.
    await expect(page.getByLabel('Navn de andre ser')).toHaveValue('Kari');
    await expect(page.getByLabel(/Bare lyd/)).not.toBeChecked();
    await expect(page.getByRole('button', { name: 'Gå inn' })).toBeVisible();
  } else {
    await expect(page.getByText('Videorommet trenger JavaScript')).toBeVisible();
  }
  await expectAccessible();
});

test('a room link that does not exist says so', async ({ page, hydrated, visit }) => {
  await citizenLogIn(page, CITIZEN, hydrated);
  await visit('/rooms/finnes-ikke');
  await expect(page.getByRole('alert')).toContainText('Vi fant ikke dette rommet');
});

test('a therapist creates a room, is told when the name is missing, and finds its link', async ({ page, hydrated, visit, expectAccessible }, testInfo) => {
  test.skip(testInfo.project.name.includes('phone'), 'staff pages: one desktop project each, with and without JavaScript');
  // A one-time code works once: another test may have used this window's.
  test.setTimeout(150_000);
  await staffLogIn(page, hydrated, THERAPIST);
  await visit('/rooms');
  await page.getByRole('button', { name: 'Lag rom' }).click();
  await expect(page.getByRole('alert').first()).toContainText('Fyll ut dette feltet');
  await expect(page.getByLabel('Navn på samlingen')).toHaveAttribute('aria-invalid', 'true');
  const title = `Søvnkurs ${Date.now()}`;
  await page.getByLabel('Navn på samlingen').fill(title);
  await page.getByRole('button', { name: 'Lag rom' }).click();
  const open = page.getByRole('link', { name: `Åpne ${title}` });
  await expect(open).toBeVisible();
  await expectAccessible();
  await open.click();
  await expect(page).toHaveURL(/\/rooms\/[0-9a-f]{32}$/);
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  if (hydrated) await expect(page.getByRole('button', { name: 'Åpne rommet' })).toBeVisible();
});
