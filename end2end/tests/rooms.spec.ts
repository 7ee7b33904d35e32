import { expect } from '@playwright/test';
import { test, waitForHydration } from './fixtures';
import { staffLogIn } from './board';
import { CITIZEN, THERAPIST, citizenLogIn } from './rooms';

// The rooms list and the room page, with and without JavaScript, on desktop and
// phone. The live video is tested in rooms-video.spec.ts.

test('a person opening a room link logs in, lands in the room, and sees the join form or is told it needs JavaScript', async ({ page, hydrated, visit, expectAccessible }) => {
  // Not signed in: the login returns to the room, not to My page.
  await visit('/rooms/demo-kurs-i-mestring');
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('E-postadresse').fill(CITIZEN.email);
  await page.getByLabel('Passord').fill(CITIZEN.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page).toHaveURL(/\/rooms\/demo-kurs-i-mestring$/);
  if (hydrated) await waitForHydration(page);
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
  // The link to share is the whole address, and with JavaScript a button copies it.
  const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });
  const share = item.getByLabel('Lenke å dele');
  await expect(share).toHaveValue(/^http:\/\/127\.0\.0\.1:\d+\/rooms\/[0-9a-f]{32}$/);
  const copy = item.getByRole('button', { name: 'Kopier lenken' });
  if (hydrated) {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await copy.click();
    await expect(item.getByRole('status')).toHaveText('Lenken er kopiert.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await share.inputValue());
  } else {
    await expect(copy).toBeHidden();
  }
  await expectAccessible();
  await open.click();
  await expect(page).toHaveURL(/\/rooms\/[0-9a-f]{32}$/);
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  if (hydrated) await expect(page.getByRole('button', { name: 'Åpne rommet' })).toBeVisible();

  // A link to the board is not for a therapist: they are told where their work is.
  await visit('/board');
  await expect(page.getByRole('alert')).toContainText('Denne siden hører ikke til arbeidet ditt');
  await expect(page.getByRole('alert').getByRole('link', { name: 'Videorom' })).toHaveAttribute('href', '/rooms');
  await expect(page.getByRole('alert').getByRole('link', { name: 'Tavle' })).toHaveCount(0);
});
