import { expect, type Browser, type Page } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitForHydration } from './fixtures';

export const THERAPIST = { email: 'terapeut@demo.example', password: 'demo-passord-terapeut', secret: 'JBUBPW7B2UXM3XZSAMWAZBKPSZWQRYF4' };
export const PARTICIPANTS = [1, 2, 3, 4, 5].map((n) => ({
  email: `deltaker${n}@demo.example`,
  password: 'demo-passord-deltaker',
}));

/**
 * A tiny test video for Chromium's fake camera (160x120, 15 frames of moving bars),
 * written once. Small frames keep six browsers within two cores.
 */
export function smallVideo(): string {
  return cameraVideo(160, 120);
}

/**
 * A fake camera of w × h. Chromium sends a second simulcast layer only from 480 × 270
 * up (its layer limit by resolution), so the simulcast test uses that size.
 */
export function cameraVideo(w: number, h: number): string {
  const file = path.join(os.tmpdir(), `rph-e2e-camera-${w}x${h}.y4m`);
  if (fs.existsSync(file)) return file;
  const frames = 15;
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${w} H${h} F15:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) {
    const y = Buffer.alloc(w * h);
    for (let i = 0; i < w * h; i++) y[i] = ((i % w) + f * 10) % 256;
    const u = Buffer.alloc((w / 2) * (h / 2), 100 + f * 5);
    const v = Buffer.alloc((w / 2) * (h / 2), 150);
    parts.push(Buffer.from('FRAME\n'), y, u, v);
  }
  const partial = `${file}.${process.pid}`;
  fs.writeFileSync(partial, Buffer.concat(parts));
  fs.renameSync(partial, file);
  return file;
}

/** Logs a citizen in with email and password (with or without JavaScript). */
export async function citizenLogIn(page: Page, who: { email: string; password: string }, hydrated = true) {
  await page.goto('/login');
  if (hydrated) await waitForHydration(page);
  await page.getByLabel('E-postadresse').fill(who.email);
  await page.getByLabel('Passord').fill(who.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page).toHaveURL(/\/account$/);
}

/**
 * Signs a citizen in through the login form's own endpoint, without opening the login
 * page: the page's cookie jar gets the session. For tests whose subject is not the
 * login (the video test signs six people in on a loaded machine).
 */
export async function citizenSession(page: Page, who: { email: string; password: string }, origin: string) {
  const response = await page.context().request.post('/api/auth/login', {
    form: { email: who.email, password: who.password },
    headers: { origin, accept: 'text/html' },
    maxRedirects: 0,
  });
  expect(response.status(), await response.text()).toBe(302);
  expect(response.headers()['location']).toBe('/account');
}

export const CITIZEN = { email: 'innbygger@demo.example', password: 'demo-passord-innbygger' };

/**
 * The signed-in therapist on `page` creates a room, opens it and joins it as its host;
 * returns the room's link and the site's origin.
 */
export async function openNewRoom(page: Page, title: string): Promise<{ link: string; origin: string }> {
  await page.goto('/rooms');
  await waitForHydration(page);
  await page.getByLabel('Navn på samlingen').fill(title);
  await page.getByRole('button', { name: 'Lag rom' }).click();
  await page.getByRole('link', { name: `Åpne ${title}` }).click();
  await expect(page).toHaveURL(/\/rooms\/[0-9a-f]{32}$/);
  const url = new URL(page.url());
  await waitForHydration(page);
  await page.locator('#room-join-button').click();
  await expect(page.locator('#room-controls').getByRole('button', { name: 'Gå ut' })).toBeVisible();
  return { link: url.pathname, origin: url.origin };
}

/** Opens the room's link and joins under a name; returns when the page shows the join form's result. */
export async function joinRoom(page: Page, link: string, name: string, options: { audioOnly?: boolean } = {}) {
  await page.goto(link);
  await waitForHydration(page);
  const form = page.locator('#room-join');
  await expect(form).toBeVisible();
  await page.getByLabel('Navn de andre ser').fill(name);
  if (options.audioOnly) await page.getByLabel(/Bare lyd/).check();
  await page.locator('#room-join-button').click();
}

/**
 * Per sender (participant id), the video frames decoded and the inbound video streams,
 * from the page's own RTCPeerConnection statistics.
 */
export async function decodedVideo(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const room = (window as unknown as { rphRoom: { pc: RTCPeerConnection | null; trackOwner: Map<string, number> } }).rphRoom;
    const result: Record<string, number> = {};
    if (!room?.pc) return result;
    const report = await room.pc.getStats();
    report.forEach((entry: { type: string; kind?: string; trackIdentifier?: string; framesDecoded?: number }) => {
      if (entry.type !== 'inbound-rtp' || entry.kind !== 'video') return;
      const owner = room.trackOwner.get(entry.trackIdentifier ?? '');
      if (owner == null) return;
      result[String(owner)] = (result[String(owner)] ?? 0) + (entry.framesDecoded ?? 0);
    });
    return result;
  });
}

/** Frames encoded so far of each simulcast layer this page's camera sends, by rid. */
export async function encodedLayers(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const room = (window as unknown as { rphRoom: { pc: RTCPeerConnection | null } }).rphRoom;
    const result: Record<string, number> = {};
    if (!room?.pc) return result;
    (await room.pc.getStats()).forEach((entry: { type: string; kind?: string; rid?: string; framesEncoded?: number }) => {
      if (entry.type !== 'outbound-rtp' || entry.kind !== 'video') return;
      result[entry.rid ?? ''] = (result[entry.rid ?? ''] ?? 0) + (entry.framesEncoded ?? 0);
    });
    return result;
  });
}

/** Per sender (participant id), the width of the picture this page decodes now. */
export async function decodedWidths(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const room = (window as unknown as { rphRoom: { pc: RTCPeerConnection | null; trackOwner: Map<string, number> } }).rphRoom;
    const result: Record<string, number> = {};
    if (!room?.pc) return result;
    (await room.pc.getStats()).forEach((entry: { type: string; kind?: string; trackIdentifier?: string; frameWidth?: number }) => {
      if (entry.type !== 'inbound-rtp' || entry.kind !== 'video') return;
      const owner = room.trackOwner.get(entry.trackIdentifier ?? '');
      if (owner != null && entry.frameWidth) result[String(owner)] = entry.frameWidth;
    });
    return result;
  });
}

/** The participant ids on this page's tiles, by shown name. */
export async function tileIds(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const ids: Record<string, string> = {};
    document.querySelectorAll<HTMLElement>('.tile').forEach((tile) => {
      const name = tile.querySelector('.tile-name')?.textContent ?? '';
      ids[name.replace(/ \((deg|you)\)$/, '')] = tile.dataset.participant ?? '';
    });
    return ids;
  });
}

export async function newRoomPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: 'nb-NO', viewport: { width: 800, height: 700 } });
  return context.newPage();
}
