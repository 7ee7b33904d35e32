import { expect } from '@playwright/test';
import { test } from './fixtures';
import { staffLogIn } from './board';
import { CITIZEN, THERAPIST, PARTICIPANTS, citizenSession, joinRoom, newRoomPage } from './rooms';

// Runs only in the `video` project. The running demo KiD (its next session is always
// tomorrow): a participant answers the measures before it on My page; the leader opens
// the session's room from the group page; "let in everyone enrolled" lets the
// participant in and leaves someone without a seat waiting; the group page then shows
// the attendance and the scores.

test('a course session: measures answered on My page, the enrolled let in and the outsider not, attendance on the group page', async ({ page, browser, expectAccessible }) => {
  test.setTimeout(240_000);
  const participant = PARTICIPANTS[4]; // deltaker5, Jonas Vik: a seat in the running KiD
  const origin = new URL(test.info().project.use.baseURL ?? 'http://127.0.0.1').origin;

  // The participant answers the two measures due before tomorrow's session.
  const own = page;
  await citizenSession(own, participant, origin);
  await own.goto('/account');
  const due = own.getByRole('region', { name: 'Kurs', exact: true });
  await expect(due.getByRole('heading', { name: 'Før neste samling' })).toBeVisible();
  await due.getByRole('link', { name: /^Svar på Spørreskjema om depresjon \(PHQ-9\)/ }).click();
  await expect(own.getByRole('heading', { level: 1, name: /^Før samling 4: .*PHQ-9/ })).toBeVisible();
  await own.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
  // A form sent with an item missing is named at the item, and the answers given stay.
  for (let item = 1; item <= 8; item++) {
    await own.getByRole('group', { name: new RegExp(`^${item}\\. `) }).getByLabel('Flere dager').check();
  }
  await own.getByRole('button', { name: 'Send svarene' }).click();
  await expect(own.getByRole('alert')).toContainText('9. ');
  await expect(own.getByRole('group', { name: /^1\. / }).getByLabel('Flere dager')).toBeChecked();
  await own.getByRole('group', { name: /^9\. / }).getByLabel('Ikke i det hele tatt').check();
  await own.getByRole('button', { name: 'Send svarene' }).click();
  // On to the next measure due.
  await expect(own.getByRole('heading', { level: 1, name: /^Før samling 4: .*GAD-7/ })).toBeVisible();
  for (let item = 1; item <= 7; item++) {
    await own.getByRole('group', { name: new RegExp(`^${item}\\. `) }).getByLabel('Flere dager').check();
  }
  await expectAccessible();
  await own.getByRole('button', { name: 'Send svarene' }).click();
  await expect(own.getByRole('status').filter({ hasText: 'Takk! Svarene dine er lagret.' })).toBeVisible();
  await expect(own.getByRole('heading', { name: 'Før neste samling' })).toHaveCount(0);

  // The leader opens the group, and from it the next session's room.
  const leader = await newRoomPage(browser);
  await staffLogIn(leader, true, THERAPIST);
  await leader.goto('/groups/1');
  await expect(leader.getByRole('heading', { level: 1, name: 'Kurs i depresjonsmestring (KiD)' })).toBeVisible();
  const link = new URL(await leader.locator('input[id^="session-link-"]').first().inputValue()).pathname;
  expect(link).toMatch(/^\/rooms\/[0-9a-f]{32}$/);
  await leader.goto(link);
  await leader.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
  await leader.locator('#room-join-button').click();
  await expect(leader.locator('#room-controls').getByRole('button', { name: 'Gå ut' })).toBeVisible();

  // The participant and someone without a seat knock.
  await joinRoom(own, link, 'Jonas');
  await expect(own.getByText('Venter på at lederen slipper deg inn')).toBeVisible();
  const outsider = await newRoomPage(browser);
  await citizenSession(outsider, CITIZEN, origin);
  await joinRoom(outsider, link, 'Kari');
  await expect(outsider.getByText('Venter på at lederen slipper deg inn')).toBeVisible();

  // The lobby tells them apart; the button lets in only the one with a seat.
  const lobby = leader.locator('#room-host');
  await expect(lobby.getByRole('heading', { name: 'Venter på å komme inn (2)' })).toBeVisible();
  await expect(lobby.getByRole('listitem').filter({ hasText: 'Jonas' })).toContainText('påmeldt');
  await expect(lobby.getByRole('listitem').filter({ hasText: 'Kari' })).toContainText('ikke påmeldt');
  await lobby.getByRole('button', { name: 'Slipp inn alle påmeldte' }).click();
  await expect(own.locator('#room-controls').getByRole('button', { name: 'Gå ut' })).toBeVisible({ timeout: 20_000 });
  await expect(lobby.getByRole('heading', { name: 'Venter på å komme inn (1)' })).toBeVisible();
  await expect(outsider.getByText('Venter på at lederen slipper deg inn')).toBeVisible();
  await expect(lobby.getByRole('button', { name: 'Slipp inn alle påmeldte' })).toHaveCount(0);

  // The group page: present at session 4, with minutes in the room; the scores.
  const group = await browser.newPage();
  await group.context().addCookies(await leader.context().cookies());
  await group.goto('/groups/1');
  const grid = group.getByRole('table', { name: 'Oppmøte' });
  const row = grid.getByRole('row', { name: /Jonas Vik/ });
  const column = (await grid.getByRole('columnheader').allTextContents()).findIndex((h) => h.startsWith('4'));
  expect(column).toBeGreaterThan(0);
  await expect(row.getByRole('cell').nth(column - 1)).toContainText('til stede');
  // The answers given here are his latest: after the demo's first session (10 and 8).
  const scores = group.getByRole('table', { name: 'Skårer' });
  await expect(scores.getByRole('row', { name: /Jonas Vik/ })).toContainText('start 10 → sist 8');
  await expect(scores.getByRole('row', { name: /Jonas Vik/ })).toContainText('start 8 → sist 7');

  for (const p of [leader, outsider, group]) await p.close();
});
