// Page weight and load time, in one run against a running server (scripts/bench starts
// the release build): for each page, the bytes transferred on a cold and on a warm
// visit (compressed on the wire, and uncompressed), and the time until the page is
// ready (its islands hydrated), in Debian's Chromium with a phone-class CPU (4x slower)
// on 10 Mbit/s with 60 ms latency. Prints a Markdown table.
//
//   BASE_URL=http://127.0.0.1:3200 node end2end/bench/page-weight.mjs
import { chromium } from '@playwright/test';
import { createHmac } from 'node:crypto';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3200';
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

/** What one visit moved over the network, and when the page was ready. */
async function visit(page, cdp, path) {
  let wire = 0;
  let body = 0;
  let code = 0;
  const onData = (e) => (body += e.dataLength);
  const onResponse = (e) => {
    if (/\.(js|wasm)$/.test(new URL(e.response.url).pathname)) code += 1;
  };
  const onFinished = (e) => (wire += e.encodedDataLength);
  cdp.on('Network.dataReceived', onData);
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onFinished);
  await page.goto(base + path);
  await page.waitForSelector('html[data-hydrated]', { timeout: 60_000 });
  const ready = await page.evaluate(() => performance.getEntriesByName('rph-ready')[0]?.startTime ?? NaN);
  // Let late requests (an island's own fetch) finish and be counted.
  await page.waitForLoadState('networkidle');
  cdp.off('Network.dataReceived', onData);
  cdp.off('Network.responseReceived', onResponse);
  cdp.off('Network.loadingFinished', onFinished);
  return { wire, body, code, ready };
}

async function throttled(context) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 60,
    downloadThroughput: (10 * 1024 * 1024) / 8,
    uploadThroughput: (5 * 1024 * 1024) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return { page, cdp };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

/** Each page to measure, and how to get a browser there (a draft, a login). */
const pages = [
  { name: 'home', path: '/' },
  { name: 'service page', path: '/services/demo' },
  { name: 'login', path: '/login' },
  {
    name: 'referral step 1 (consent)',
    path: '/services/demo/refer/consent',
    prepare: async (page) => {
      await page.goto(base + '/services/demo');
      await page.getByRole('button', { name: 'Start henvisningen' }).click();
      await page.waitForURL(/consent$/);
    },
  },
  {
    name: 'referral step 2 (about you: instant checks)',
    path: '/services/demo/refer/about',
    prepare: async (page) => {
      await page.goto(base + '/services/demo');
      await page.getByRole('button', { name: 'Start henvisningen' }).click();
      await page.getByLabel('Ja, jeg samtykker').check();
      await page.getByRole('button', { name: 'Lagre og gå videre' }).click();
      await page.waitForURL(/about$/);
    },
  },
  {
    name: 'board (staff)',
    path: '/board',
    prepare: async (page) => {
      await page.goto(base + '/login');
      await page.getByLabel('E-postadresse').fill(INTAKE.email);
      await page.getByLabel('Passord').fill(INTAKE.password);
      await page.getByRole('button', { name: 'Logg inn' }).click();
      await page.waitForURL(/login\/code$/);
      await page.getByLabel('Kode').fill(totp(INTAKE.secret));
      await page.getByRole('button', { name: 'Bekreft' }).click();
      await page.waitForURL(/account$/);
    },
  },
];

const kb = (n) => (n / 1024).toFixed(1);
const rows = [];
for (const spec of pages) {
  const context = await browser.newContext({ locale: 'nb-NO', viewport: { width: 412, height: 915 } });
  if (spec.prepare) await spec.prepare(await context.newPage());
  const { page, cdp } = await throttled(context);
  await cdp.send('Network.clearBrowserCache');
  const cold = await visit(page, cdp, spec.path);
  const warm = await visit(page, cdp, spec.path);
  rows.push(`| ${spec.name} | ${kb(cold.wire)} | ${kb(cold.body)} | ${cold.code} | ${kb(warm.wire)} | ${cold.ready.toFixed(0)} | ${warm.ready.toFixed(0)} |`);
  await context.close();
}
await browser.close();

console.log('| page | cold: KiB on the wire | cold: KiB uncompressed | scripts and wasm fetched | warm: KiB on the wire | ready, cold (ms) | ready, warm (ms) |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
