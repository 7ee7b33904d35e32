import { expect, type Page } from '@playwright/test';
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
 * Takes this 30-second window's code of an account for this test alone: a code is
 * accepted once, tests in both workers log in as the same demo staff, and a code sent
 * a second time counts as a wrong one (eight in a quarter lock the account out, as
 * they would for a person). A marker file per account and window, made exclusively,
 * tells the workers apart; whoever finds it made waits for the next window.
 */
async function ownWindow(page: Page, secret: string): Promise<string> {
  const dir = path.join(os.tmpdir(), `rph-e2e-${Number(process.env.E2E_PORT ?? 3100)}`, 'totp');
  fs.mkdirSync(dir, { recursive: true });
  for (;;) {
    const now = Date.now();
    const window = Math.floor(now / 30_000);
    // Only in a window's first half: the server takes codes in order (never one of an
    // earlier window than the last it took), so a code sent late in its window could
    // lose to the next window's, claimed by another test the moment it opens.
    if (now % 30_000 < 15_000) {
      try {
        fs.closeSync(fs.openSync(path.join(dir, `${secret}-${window}`), 'wx'));
        return totp(secret, now);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    await page.waitForTimeout(30_000 - (Date.now() % 30_000) + 200);
  }
}

/** Enters a one-time code of this test's own and waits for `done`. */
export async function enterCode(page: Page, secret: string, done: RegExp) {
  await page.getByLabel('Kode').fill(await ownWindow(page, secret));
  await page.getByRole('button', { name: 'Bekreft' }).click();
  await page.waitForURL(done, { timeout: 10_000 });
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
