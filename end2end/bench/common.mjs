// What the page benchmarks share: the browser's flags, the demo intake login (with its
// one-time code) and a started referral draft.
import { createHmac } from 'node:crypto';

export const base = process.env.BASE_URL ?? 'http://127.0.0.1:3200';
export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const INTAKE = { email: 'inntak@demo.example', password: 'demo-passord-inntak', secret: 'RNISVMI5G2VPSGCTX55SIUQYM54KT6VN' };

/** RFC 6238 code for a base32 secret, as an authenticator app shows it. */
function totp(secretBase32, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const hash = createHmac('sha1', bytes).update(counter).digest();
  const offset = hash[19] & 0xf;
  return ((hash.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

/** Logs the demo intake worker in, in this page's browser context. */
export async function staffLogIn(page) {
  await page.goto(base + '/login');
  await page.getByLabel('E-postadresse').fill(INTAKE.email);
  await page.getByLabel('Passord').fill(INTAKE.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await page.waitForURL(/login\/code$/);
  await page.getByLabel('Kode').fill(totp(INTAKE.secret));
  await page.getByRole('button', { name: 'Bekreft' }).click();
  await page.waitForURL(/account$/);
}

/** Starts a referral to the demo service; with `consent`, goes on to step 2. */
export async function startDraft(page, consent) {
  await page.goto(base + '/services/demo');
  await page.getByRole('button', { name: 'Start henvisningen' }).click();
  await page.waitForURL(/consent$/);
  if (!consent) return;
  await page.getByLabel('Ja, jeg samtykker').check();
  await page.getByRole('button', { name: 'Lagre og gå videre' }).click();
  await page.waitForURL(/about$/);
}
