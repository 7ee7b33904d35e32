import { expect, type Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { waitForHydration } from './fixtures';
import { linkIn, mailTo } from './mail';

/** RFC 6238 code for a base32 secret, as an authenticator app shows it. */
export function totp(secretBase32: string, at = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const hash = createHmac('sha1', bytes).update(counter).digest();
  const offset = hash[19] & 0xf;
  return ((hash.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

/**
 * Enters the one-time code and waits for `done`. A code is accepted once, and other tests
 * log in as the same demo staff: when this window's code was used already, wait for the next.
 */
export async function enterCode(page: Page, secret: string, done: RegExp) {
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.getByLabel('Kode').fill(totp(secret));
    await page.getByRole('button', { name: 'Bekreft' }).click();
    const accepted = await page
      .waitForURL(done, { timeout: 4_000 })
      .then(() => true)
      .catch(() => false);
    if (accepted) return;
    await page.waitForTimeout(30_000 - (Date.now() % 30_000) + 500);
  }
  throw new Error('the one-time code was not accepted in four windows');
}

/** Registers a fresh citizen through the pages and confirms the address; ends on the login page. */
export async function registerAndConfirm(page: Page, hydrated: boolean, name: string, email: string, password: string) {
  await page.goto('/register');
  if (hydrated) await waitForHydration(page);
  await page.getByLabel('Navn').fill(name);
  await page.getByLabel('E-postadresse').fill(email);
  await page.getByLabel('Velg et passord').fill(password);
  await page.getByRole('button', { name: 'Opprett konto' }).click();
  await expect.poll(() => mailTo(email).length).toBe(1);
  await page.goto(linkIn(mailTo(email)[0], '/verify-email'));
  if (hydrated) await waitForHydration(page);
  await page.getByRole('button', { name: 'Bekreft e-postadressen' }).click();
  await expect(page.getByRole('status')).toBeVisible();
}

export async function logIn(page: Page, email: string, password: string) {
  await page.getByLabel('E-postadresse').fill(email);
  await page.getByLabel('Passord').fill(password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
}
