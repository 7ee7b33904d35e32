import { expect } from '@playwright/test';
import { test } from './fixtures';
import { staffLogIn } from './board';
import { openNewRoom, CITIZEN, THERAPIST, PARTICIPANTS, citizenSession, joinRoom, decodedVideo, tileIds, newRoomPage } from './rooms';

// Runs only in the `video` project: Chromium with a fake camera and microphone.
// A host and three participants (one with audio only), and one more person left in
// the lobby, in one browser: every page is a real WebRTC peer of the SFU.

test('a group session: admitted people see each other, the lobby gets nothing, removal and leaving clean up', async ({ page, browser, request, expectAccessible }) => {
  // A budget for the whole scenario (seven browsers, on two cores shared with the other
  // worker); each step has its own, tighter limit that catches a defect. Alone on a
  // two-core machine the test takes 1.7-2.5 minutes; CI machines have been up to half
  // as fast again.
  test.setTimeout(360_000);
  // Five browsers with WebRTC, beside the suite's other worker, fill two cores; the
  // SFU's behaviour with more people is covered by the Rust stress tests.
  const names = ['Ola', 'Aisha', 'Jonas'];

  // The therapist creates a room and opens it.
  await staffLogIn(page, true, THERAPIST);
  const { link, origin } = await openNewRoom(page, `Kurs i mestring ${Date.now()}`);
  // Once connected, "Kobler til …" is gone.
  await expect(page.locator('#room-status')).not.toContainText('Kobler til');
  // The microphone button keeps its name; only its pressed state changes.
  const mic = page.locator('#room-mic');
  await expect(mic).toHaveAccessibleName('Mikrofon');
  await expect(mic).toHaveAttribute('aria-pressed', 'true');
  await expect(mic).toContainText('på');
  await mic.click();
  await expect(page.locator('#room-mic')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.locator('#room-mic')).toHaveAccessibleName('Mikrofon');
  await expect(page.locator('#room-mic')).toContainText('av');
  await page.locator('#room-mic').click();
  await expect(page.locator('#room-mic')).toHaveAttribute('aria-pressed', 'true');
  // Devices can be changed during the call, and the call's page is accessible (checked
  // while the host is alone in it: axe on a page with six live videos takes minutes on
  // a loaded two-core machine).
  await page.getByText('Kamera og mikrofon').click();
  await expect(page.getByLabel('Kamera', { exact: true })).toBeVisible();
  await expectAccessible();
  // Closed again: it takes room above the tiles.
  await page.getByText('Kamera og mikrofon').click();
  await expect(page.getByLabel('Kamera', { exact: true })).toBeHidden();

  // Three participants knock; the third wants audio only. (Signed in without the login
  // page, which other tests cover: more page loads on a loaded machine.)
  const people = [];
  for (const [i, who] of PARTICIPANTS.slice(0, names.length).entries()) {
    const p = await newRoomPage(browser);
    await citizenSession(p, who, origin);
    await joinRoom(p, link, names[i], { audioOnly: i === 2 });
    await expect(p.getByText('Venter på at lederen slipper deg inn')).toBeVisible();
    people.push(p);
  }
  // And one more, who will be left waiting.
  const waiting = await newRoomPage(browser);
  await citizenSession(waiting, CITIZEN, origin);
  await joinRoom(waiting, link, 'Kari');
  await expect(waiting.getByText('Venter på at lederen slipper deg inn')).toBeVisible();

  // The host sees the lobby (names, since when) and lets the three in, one by one.
  const lobby = page.locator('#room-host');
  await expect(lobby.getByRole('heading', { name: 'Venter på å komme inn (4)' })).toBeVisible();
  await expect(lobby.getByText(/venter siden \d\d[:.]\d\d/).first()).toBeVisible();
  await expectAccessible();
  for (const name of names) {
    await lobby.getByRole('button', { name: `Slipp inn ${name}` }).click();
  }
  await expect(lobby.getByRole('heading', { name: 'Venter på å komme inn (1)' })).toBeVisible();
  for (const p of people) await expect(p.locator('.tile')).toHaveCount(4);
  await expect(page.locator('.tile')).toHaveCount(4);
  // On a desktop the tiles share the width instead of 10rem columns.
  expect((await page.locator('.tile').first().boundingBox())!.width).toBeGreaterThanOrEqual(250);
  // Nothing covers the host's buttons on a tile: each is what is at its own centre.
  // (Scrolled so the button is at the bottom edge of the window, where a bar would be.)
  const ask = page.getByRole('button', { name: 'Be Ola slå av mikrofonen' });
  expect(await ask.evaluate((button) => {
    window.scrollBy(0, button.getBoundingClientRect().bottom - window.innerHeight);
    const box = button.getBoundingClientRect();
    return button.contains(document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2));
  })).toBe(true);
  // Everyone admitted decodes every other camera (the audio-only person sends none).
  const ids = await tileIds(page);
  const senders = ['Tor', ...names.slice(0, 2)].map((n) => ids[n]);
  expect(senders.every(Boolean)).toBe(true);
  const viewers = [page, ...people.slice(0, 2)];
  for (const [i, viewer] of viewers.entries()) {
    const others = senders.filter((_, j) => j !== i);
    // The senders this viewer has not yet decoded five frames from (none, in the end).
    await expect
      .poll(async () => {
        const decoded = await decodedVideo(viewer);
        return others.filter((id) => (decoded[id] ?? 0) <= 5);
      }, { timeout: 30_000, message: `viewer ${i} decodes every other camera` })
      .toEqual([]);
  }

  // Audio only: sound from everyone, no video at all.
  const audioOnly = people[2];
  await expect
    .poll(async () => audioOnly.evaluate(async () => {
      const pc = (window as unknown as { rphRoom: { pc: RTCPeerConnection } }).rphRoom.pc;
      let audio = 0;
      let video = 0;
      (await pc.getStats()).forEach((e: { type: string; kind?: string; packetsReceived?: number }) => {
        if (e.type !== 'inbound-rtp') return;
        if (e.kind === 'audio') audio += e.packetsReceived ?? 0;
        if (e.kind === 'video') video += e.packetsReceived ?? 0;
      });
      return { audio: audio > 0, video };
    }), { timeout: 20_000 })
    .toEqual({ audio: true, video: 0 });

  // The person in the lobby has no connection and has received nothing.
  expect(await waiting.evaluate(() => (window as unknown as { rphRoom: { pc: unknown } }).rphRoom.pc)).toBeNull();
  await expect(waiting.locator('.tile')).toHaveCount(0);
  let health = await (await request.get('/healthz')).json();
  expect(health.media.peers).toBe(4);

  // The host removes Ola: Ola's page is told and disconnected.
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Fjern Ola' }).click();
  await expect(people[0].getByText('Lederen fjernet deg fra samlingen.')).toBeVisible();
  expect(await people[0].evaluate(() => (window as unknown as { rphRoom: { pc: unknown } }).rphRoom.pc)).toBeNull();
  await expect(page.locator('.tile')).toHaveCount(3);
  await expect.poll(async () => (await (await request.get('/healthz')).json()).media.peers).toBe(3);

  // Everyone leaves; the one in the lobby closes the window.
  for (const p of people.slice(1)) {
    await p.locator('#room-leave').click();
    await expect(p.getByText('Du har gått ut av samlingen.')).toBeVisible();
  }
  await waiting.close();
  await page.locator('#room-leave').click();
  await expect
    .poll(async () => (await (await request.get('/healthz')).json()).media, { timeout: 15_000 })
    .toEqual({ rooms: 0, peers: 0 });
  health = await (await request.get('/healthz')).json();
  expect(health.status).toBe('ok');
});
