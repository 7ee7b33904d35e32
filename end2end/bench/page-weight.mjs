// Page weight and load time, in one run against a running server (scripts/bench starts
// the release build): for each page, the bytes transferred on a cold and on a warm
// visit (compressed on the wire, and uncompressed), and the time until the page is
// ready (its islands hydrated), in Debian's Chromium with a phone-class CPU (4x slower)
// on 10 Mbit/s with 60 ms latency. Prints a Markdown table.
//
//   BASE_URL=http://127.0.0.1:3200 node end2end/bench/page-weight.mjs
import { chromium } from '@playwright/test';
import { base, chromiumArgs, executablePath, staffLogIn, startDraft } from './common.mjs';

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

const browser = await chromium.launch({ executablePath, args: chromiumArgs });

/** Each page to measure, and how to get a browser there (a draft, a login). */
const pages = [
  { name: 'home', path: '/' },
  { name: 'service page', path: '/services/demo' },
  { name: 'login', path: '/login' },
  { name: 'referral step 1 (consent)', path: '/services/demo/refer/consent', prepare: (page) => startDraft(page, false) },
  {
    name: 'referral step 2 (about you: instant checks)',
    path: '/services/demo/refer/about',
    prepare: (page) => startDraft(page, true),
  },
  { name: 'board (staff)', path: '/board', prepare: staffLogIn },
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
