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
import { base, chromiumArgs, executablePath, staffLogIn, startDraft } from './common.mjs';

const { default: lighthouse } = await import(pathToFileURL(join(process.env.LIGHTHOUSE, 'core/index.js')).href);

const port = 9333;
// The browser's default profile, so Lighthouse's pages share the prepared cookies.
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'rph-lh-')), {
  executablePath,
  locale: 'nb-NO',
  args: [...chromiumArgs, `--remote-debugging-port=${port}`],
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
await startDraft(page, true);
await audit('referral step 2 (about you)', '/services/demo/refer/about');
await staffLogIn(page);
await audit('board (staff)', '/board');
await context.close();

console.log('| page | performance | accessibility | best practices | FCP s | LCP s | TTI s | KiB transferred |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
