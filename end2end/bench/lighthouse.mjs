// Lighthouse 13 (mobile profile: simulated slow 4G and a 4x slower CPU) on the home
// page, a referral step and the board, in Debian's Chromium. The pages that need a
// draft or a login are prepared in the same browser profile first. Prints a table.
//
//   BASE_URL=http://127.0.0.1:3200 LIGHTHOUSE=/path/to/node_modules/lighthouse \
//     node end2end/bench/lighthouse.mjs
import { chromium } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHmac } from 'node:crypto';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3200';
const { default: lighthouse } = await import(pathToFileURL(join(process.env.LIGHTHOUSE, 'core/index.js')).href);
const INTAKE = { email: 'inntak@demo.example', password: 'demo-passord-inntak', secret: 'RNISVMI5G2VPSGCTX55SIUQYM54KT6VN' };

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

const port = 9333;
// The browser's default profile, so Lighthouse's pages share the prepared cookies.
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'rph-lh-')), {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  locale: 'nb-NO',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--remote-debugging-port=${port}`],
});
const page = await context.newPage();

const rows = [];
async function audit(name, path) {
  const result = await lighthouse(base + path, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
    locale: 'en',
  });
  const lhr = result.lhr;
  const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
  const ms = (a) => (lhr.audits[a]?.numericValue ?? NaN) / 1000;
  rows.push(`| ${name} | ${score('performance')} | ${score('accessibility')} | ${score('best-practices')} | ${ms('first-contentful-paint').toFixed(1)} | ${ms('largest-contentful-paint').toFixed(1)} | ${ms('interactive').toFixed(1)} | ${((lhr.audits['total-byte-weight']?.numericValue ?? 0) / 1024).toFixed(0)} |`);
}

await audit('home', '/');
await audit('service page', '/services/demo');
await page.goto(base + '/services/demo');
await page.getByRole('button', { name: 'Start henvisningen' }).click();
await page.getByLabel('Ja, jeg samtykker').check();
await page.getByRole('button', { name: 'Lagre og gå videre' }).click();
await page.waitForURL(/about$/);
await audit('referral step 2 (about you)', '/services/demo/refer/about');
await page.goto(base + '/login');
await page.getByLabel('E-postadresse').fill(INTAKE.email);
await page.getByLabel('Passord').fill(INTAKE.password);
await page.getByRole('button', { name: 'Logg inn' }).click();
await page.waitForURL(/login\/code$/);
await page.getByLabel('Kode').fill(totp(INTAKE.secret));
await page.getByRole('button', { name: 'Bekreft' }).click();
await page.waitForURL(/account$/);
await audit('board (staff)', '/board');
await context.close();

console.log('| page | performance | accessibility | best practices | FCP s | LCP s | TTI s | KiB transferred |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
