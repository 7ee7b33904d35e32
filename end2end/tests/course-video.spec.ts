import { expect, type Page } from '@playwright/test';
import { expectPageAccessible, test, waitForHydration } from './fixtures';
import { LEAD, staffLogIn } from './board';
import { calendarsTo, linkIn, mailTo } from './mail';
import { CITIZEN, THERAPIST, citizenSession, joinRoom, newRoomPage } from './rooms';

/** A moment as the pages show it: the date and time in Norway. */
function oslo(at: Date): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** Answers every item of the questionnaire on the page with the same choice. */
async function answerAll(page: Page, items: number, label: string) {
  for (let item = 1; item <= items; item++) {
    await page.getByRole('group', { name: new RegExp(`^${item}\\. `) }).getByLabel(label, { exact: true }).check();
  }
}

// Runs only in the `video-course` project. One person, Eva Nilsen (a demo referral sent a month ago, in assessment, who asked for
// a group course on video), from the board's decision to the first session's
// attendance: the lead starts a KiD group whose first session is in a few minutes, led
// by the therapist; intake's decision offers her a seat; she sets a password from the
// login page's "forgotten password" (she never set one), accepts on a phone without
// JavaScript, and her invitation's calendar files are read; her answers from the
// referral are a month old, so she answers the measures before the session; she joins
// from My page, the leader lets in everyone enrolled (her, not an outsider); the group
// page shows her present, and her scores.
// A second try cannot pass (her referral is decided by then): a failure fails.
test('one person from the offer to the first session: accepted without JavaScript, calendar read, measures answered, let in by the leader, present on the group page', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const origin = new URL(test.info().project.use.baseURL ?? 'http://127.0.0.1').origin;
  const eva = { reference: 'RPH-DEMO-0005', name: 'Eva Nilsen', email: 'eva.nilsen@demo.example', password: 'et langt og godt passord for Eva' };

  // The lead starts the group: the first session between ten and fifteen minutes from
  // now, so its room and My page's way in are open ("Join" opens 15 minutes before).
  await staffLogIn(page, true, LEAD);
  await page.goto('/groups/new');
  await waitForHydration(page);
  const start = new Date(Math.ceil((Date.now() + 10 * 60_000) / 300_000) * 300_000);
  const { date, time } = oslo(start);
  const kid = page.getByLabel('Kurs', { exact: true }).locator('option').filter({ hasText: 'depresjonsmestring' });
  await page.getByLabel('Kurs', { exact: true }).selectOption({ label: (await kid.textContent())! });
  await page.getByLabel('Første samling').fill(date);
  await page.getByLabel('Klokkeslett').fill(time);
  await page.getByLabel('Leder', { exact: true }).selectOption({ label: 'Tor Terapeut' });
  await page.getByLabel('Antall plasser').fill('8');
  await page.getByLabel('Åpne for påmelding med en gang').check();
  await page.getByRole('button', { name: 'Lag kurset' }).click();
  await expect(page).toHaveURL(/\/groups\/\d+$/);
  const groupPath = new URL(page.url()).pathname;
  const shown = `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}`;

  // Intake's decision on her referral offers her a seat in it.
  await page.goto(`/board/${eva.reference}`);
  await waitForHydration(page);
  await page.getByLabel('Gruppekurs', { exact: true }).check();
  await page.getByLabel('Begrunnelse').fill('Ønsker kurs på video; KiD passer.');
  const choice = page.getByLabel('Hvilket kurs?').getByRole('option').filter({ hasText: `Kurs i depresjonsmestring (KiD) · starter ${shown} · 8 av 8 plasser ledige` });
  await expect(choice).toHaveCount(1);
  await page.getByLabel('Hvilket kurs?').selectOption({ label: (await choice.textContent())! });
  await page.getByRole('button', { name: 'Registrer beslutningen' }).click();
  await expect(page.getByRole('region', { name: 'Beslutning', exact: true })).toContainText('Beslutning: Gruppekurs');
  await expect(page.getByRole('definition').filter({ hasText: 'Tilbud gitt' })).toBeVisible();
  await expect.poll(() => mailTo(eva.email).length).toBe(1);
  expect(linkIn(mailTo(eva.email)[0], '/account')).toBe(`${origin}/account`);

  // She has never set a password: from the login page, on her phone, without JavaScript.
  const phone = await browser.newContext({ javaScriptEnabled: false, locale: 'nb-NO', viewport: { width: 412, height: 839 }, isMobile: true, hasTouch: true });
  const mine = await phone.newPage();
  await mine.goto(linkIn(mailTo(eva.email)[0], '/account'));
  await expect(mine).toHaveURL(/\/login/);
  await mine.getByRole('link', { name: 'Glemt passordet?' }).click();
  await mine.getByLabel('E-postadresse').fill(eva.email);
  await mine.getByRole('button', { name: 'Send lenke' }).click();
  await expect.poll(() => mailTo(eva.email).length).toBe(2);
  await mine.goto(linkIn(mailTo(eva.email)[1], '/reset-password?token='));
  await mine.getByLabel('Velg et passord').fill(eva.password);
  await mine.getByRole('button', { name: 'Lagre nytt passord' }).click();
  await mine.getByLabel('E-postadresse').fill(eva.email);
  await mine.getByLabel('Passord').fill(eva.password);
  await mine.getByRole('button', { name: 'Logg inn' }).click();
  await expect(mine).toHaveURL(/\/account$/);

  // My page: the offer, its ten dates, accepted.
  const course = mine.getByRole('region', { name: 'Kurs', exact: true });
  await expect(course).toContainText('Du har fått tilbud om plass på dette kurset.');
  await expect(course.getByRole('heading', { name: 'Kurs i depresjonsmestring (KiD)' })).toBeVisible();
  await expect(course.getByRole('listitem')).toHaveCount(10);
  await expectPageAccessible(mine, browser, false);
  await course.getByRole('button', { name: 'Ja takk, jeg vil være med' }).click();
  await expect(mine.getByRole('status').filter({ hasText: 'Takk for svaret ditt.' })).toBeVisible();
  await expect(course).toContainText('Du har plass på kurset.');

  // The invitation: ten calendar requests, the first at the time chosen, in Norwegian time.
  await expect.poll(() => calendarsTo(eva.email).length).toBe(10);
  const events = calendarsTo(eva.email).map((c) => c.events[0]);
  expect(new Set(events.map((e) => e.UID)).size).toBe(10);
  const first = events.find((e) => e.SUMMARY === 'Kurs – Demo kommune: Samling 1 av 10');
  expect(first?.['DTSTART;TZID=Europe/Oslo']).toBe(`${date.replaceAll('-', '')}T${time.replace(':', '')}00`);

  // Her referral's answers are a month old: the measures are asked for again, PHQ-9 first.
  const due = mine.getByRole('region', { name: 'Kurs', exact: true });
  await expect(due.getByRole('heading', { name: 'Før neste samling' })).toBeVisible();
  await due.getByRole('link', { name: /^Svar på Spørreskjema om depresjon/ }).click();
  await expect(mine.getByRole('heading', { level: 1, name: /^Før samling 1: .*PHQ-9/ })).toBeVisible();
  // A form sent with an item missing is named at the item, and the answers given stay.
  await answerAll(mine, 8, 'Flere dager');
  await mine.getByRole('button', { name: 'Send svarene' }).click();
  await expect(mine.getByRole('alert')).toContainText('9. ');
  await expect(mine.getByRole('group', { name: /^1\. / }).getByLabel('Flere dager')).toBeChecked();
  await mine.getByRole('group', { name: /^9\. / }).getByLabel('Ikke i det hele tatt').check();
  await mine.getByRole('button', { name: 'Send svarene' }).click();
  await expect(mine.getByRole('heading', { level: 1, name: /^Før samling 1: .*GAD-7/ })).toBeVisible();
  await answerAll(mine, 7, 'Flere dager');
  await expectPageAccessible(mine, browser, false);
  await mine.getByRole('button', { name: 'Send svarene' }).click();
  await expect(mine.getByRole('status').filter({ hasText: 'Takk! Svarene dine er lagret.' })).toBeVisible();
  await expect(mine.getByRole('heading', { name: 'Før neste samling' })).toHaveCount(0);

  // The way in, on My page: the session's room.
  const joinLink = mine.getByRole('region', { name: 'Kurs', exact: true }).getByRole('link', { name: 'Gå inn i samlingen' });
  const room = new URL((await joinLink.getAttribute('href'))!, origin).pathname;
  expect(room).toMatch(/^\/rooms\/[0-9a-f]{32}$/);

  // The leader opens the same room from the top of the group page, where the next
  // session is; its full address is in the list of dates to copy.
  const leader = await newRoomPage(browser);
  await staffLogIn(leader, true, THERAPIST);
  await leader.goto(groupPath);
  const next = leader.getByRole('region', { name: 'Neste samling' });
  await expect(next).toContainText(`Samling 1: `);
  await expect(next).toContainText(time);
  expect(new URL(await leader.locator('input[id^="session-link-"]').first().inputValue()).pathname).toBe(room);
  await next.getByRole('link', { name: 'Åpne rommet' }).click();
  await expect(leader).toHaveURL(new RegExp(`${room}$`));
  await waitForHydration(leader);
  await leader.locator('#room-join-button').click();
  await expect(leader.locator('#room-controls').getByRole('button', { name: 'Gå ut' })).toBeVisible();

  // She joins (the room needs JavaScript), and so does someone without a seat.
  const own = await newRoomPage(browser);
  await own.context().addCookies(await phone.cookies());
  await joinRoom(own, room, 'Eva');
  await expect(own.getByText('Venter på at lederen slipper deg inn')).toBeVisible();
  const outsider = await newRoomPage(browser);
  await citizenSession(outsider, CITIZEN, origin);
  await joinRoom(outsider, room, 'Kari');
  await expect(outsider.getByText('Venter på at lederen slipper deg inn')).toBeVisible();

  // The lobby tells them apart; the button lets in only the one with a seat.
  const lobby = leader.locator('#room-host');
  await expect(lobby.getByRole('heading', { name: 'Venter på å komme inn (2)' })).toBeVisible();
  await expect(lobby.getByRole('listitem').filter({ hasText: 'Eva' })).toContainText('påmeldt');
  await expect(lobby.getByRole('listitem').filter({ hasText: 'Kari' })).toContainText('ikke påmeldt');
  await lobby.getByRole('button', { name: 'Slipp inn alle påmeldte' }).click();
  await expect(own.locator('#room-controls').getByRole('button', { name: 'Gå ut' })).toBeVisible({ timeout: 20_000 });
  await expect(lobby.getByRole('heading', { name: 'Venter på å komme inn (1)' })).toBeVisible();
  await expect(outsider.getByText('Venter på at lederen slipper deg inn')).toBeVisible();
  await expect(lobby.getByRole('button', { name: 'Slipp inn alle påmeldte' })).toHaveCount(0);

  // The group page: present at session 1; her scores start from the answers she just
  // gave (PHQ-9 8, GAD-7 7), not from the month-old referral's (10 and 8).
  const group = await browser.newPage();
  await group.context().addCookies(await leader.context().cookies());
  await group.goto(groupPath);
  const grid = group.getByRole('table', { name: 'Oppmøte' });
  const present = grid.getByRole('row', { name: new RegExp(eva.name) }).getByRole('cell').first();
  await expect(present).toHaveClass(/\bpresent\b/);
  await expect(present).not.toContainText('ikke til stede');
  const scores = group.getByRole('table', { name: 'Skårer' }).getByRole('row', { name: new RegExp(eva.name) });
  await expect(scores.getByRole('cell').nth(0)).toHaveText('start 8');
  await expect(scores.getByRole('cell').nth(1)).toHaveText('start 7');
  // Her referral is active from the first session she attended.
  await page.goto(`/board/${eva.reference}`);
  await expect(page.getByRole('definition').filter({ hasText: 'I gang' })).toBeVisible();

  for (const p of [leader, own, outsider, group]) await p.context().close();
  await phone.close();
});
