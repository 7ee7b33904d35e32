import { test as base, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

type Fixtures = {
  /** True in the projects that run the page's JavaScript. */
  hydrated: boolean;
  /** Console errors and uncaught exceptions seen during the test. */
  browserErrors: string[];
  /** Opens a path and, when JavaScript runs, waits until hydration has finished. */
  visit: (path: string) => Promise<void>;
  /** Fails the test on any WCAG 2.1 A or AA violation on the page as it is now. */
  expectAccessible: () => Promise<void>;
};

export const test = base.extend<Fixtures>({
  hydrated: async ({ javaScriptEnabled }, use) => {
    await use(javaScriptEnabled !== false);
  },
  browserErrors: [
    async ({ page }, use, testInfo) => {
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await use(errors);
      // A failed test shows what the browser complained about.
      if (testInfo.status !== testInfo.expectedStatus && errors.length > 0) {
        await testInfo.attach('browser-errors', { body: errors.join('\n'), contentType: 'text/plain' });
      }
    },
    { auto: true },
  ],
  visit: async ({ page, hydrated }, use) => {
    await use(async (path: string) => {
      await page.goto(path);
      if (hydrated) await waitForHydration(page);
    });
  },
  expectAccessible: async ({ page, hydrated, browser, locale }, use) => {
    await use(() => expectPageAccessible(page, browser, hydrated, locale));
  },
});

/**
 * Fails on any WCAG 2.1 A or AA violation on the page as it is now. axe is JavaScript
 * and cannot run in a page without it: for such a page it opens the same address in a
 * scripted context with the same cookies, language and viewport but the application
 * bundle blocked, so axe sees exactly the server-rendered page a person without
 * JavaScript gets.
 */
export async function expectPageAccessible(page: Page, browser: Browser, hydrated: boolean, locale = 'nb-NO') {
  if (hydrated) return analyze(page);
  const mirror = await browser.newContext({ javaScriptEnabled: true, locale, viewport: page.viewportSize() });
  try {
    await mirror.addCookies(await page.context().cookies());
    await mirror.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    const copy = await mirror.newPage();
    await copy.goto(page.url());
    await analyze(copy);
  } finally {
    await mirror.close();
  }
}

async function analyze(page: Page) {
  // Nothing may push the page wider than the screen (a phone would have to scroll sideways).
  const [scrollWidth, clientWidth] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  expect(scrollWidth, 'the page is wider than the screen').toBeLessThanOrEqual(clientWidth + 1);
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const summary = results.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
  expect(summary, 'axe found accessibility violations').toEqual([]);
}

export async function waitForHydration(page: Page) {
  await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
}

export { expect };
