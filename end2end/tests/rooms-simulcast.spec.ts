import { expect, type Page } from '@playwright/test';
import { test } from './fixtures';
import { staffLogIn } from './board';
import { openNewRoom, THERAPIST, PARTICIPANTS, citizenSession, joinRoom, decodedVideo, decodedWidths, encodedLayers, tileIds, newRoomPage } from './rooms';

// Runs only in the `video-simulcast` project: Chromium with a 480 × 270 fake camera,
// large enough for it to send two simulcast layers. The SFU picks one layer per
// receiver; the Rust stress tests drive the choice with an impaired link.

test('a camera goes out in two layers, and every receiver keeps the full one as people come and go', async ({ page, browser, request }) => {
  test.setTimeout(180_000);

  await staffLogIn(page, true, THERAPIST);
  const { link, origin } = await openNewRoom(page, `Simulcast ${Date.now()}`);

  // The host's camera is encoded twice: the low layer and the full one.
  await expect
    .poll(async () => {
      const layers = await encodedLayers(page);
      return ['low', 'high'].filter((rid) => (layers[rid] ?? 0) > 10);
    }, { timeout: 30_000, message: 'the camera sends both simulcast layers' })
    .toEqual(['low', 'high']);

  // Two people come in, one after the other: each arrival renegotiates every
  // connection, the host's publishing one included.
  const people: Page[] = [];
  for (const [i, name] of ['Ola', 'Aisha'].entries()) {
    const p = await newRoomPage(browser);
    await citizenSession(p, PARTICIPANTS[i], origin);
    await joinRoom(p, link, name);
    await page.locator('#room-host').getByRole('button', { name: `Slipp inn ${name}` }).click();
    await expect(p.locator('.tile')).toHaveCount(i + 2);
    people.push(p);
  }
  await expect(page.locator('.tile')).toHaveCount(3);
  const host = (await tileIds(page))['Tor'];
  expect(host).toBeTruthy();

  // Each receiver gets the full layer (480 pixels wide; the low one is 240, and a busy
  // machine may scale the full one down a little) and keeps decoding it: before
  // the layers stayed bound across renegotiation, a receiver got a few keyframes and
  // then nothing.
  for (const [i, viewer] of people.entries()) {
    await expect
      .poll(async () => (await decodedWidths(viewer))[host] ?? 0, { timeout: 30_000, message: `viewer ${i} gets the full layer` })
      .toBeGreaterThan(240);
    const before = (await decodedVideo(viewer))[host] ?? 0;
    await expect
      .poll(async () => ((await decodedVideo(viewer))[host] ?? 0) - before, { timeout: 20_000, message: `viewer ${i} keeps decoding the host` })
      .toBeGreaterThan(30);
  }

  for (const p of people) {
    await p.locator('#room-leave').click();
    await expect(p.getByText('Du har gått ut av samlingen.')).toBeVisible();
  }
  await page.locator('#room-leave').click();
  await expect
    .poll(async () => (await (await request.get('/healthz')).json()).media, { timeout: 15_000 })
    .toEqual({ rooms: 0, peers: 0 });
});
