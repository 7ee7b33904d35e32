import { test, expect, waitForHydration } from './fixtures';
import type { Page } from '@playwright/test';
import { nationalId } from './referral';

/** Every script and WebAssembly file the page fetches from now on. */
function codeFetched(page: Page): string[] {
  const fetched: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (/\.(js|wasm)$/.test(path)) fetched.push(path);
  });
  return fetched;
}

test.describe('first load', () => {
  test('a page with nothing to do in the browser downloads no script or WebAssembly', async ({ page, visit }) => {
    const fetched = codeFetched(page);
    await visit('/');
    await page.getByRole('link', { name: 'Rask psykisk helsehjelp, Demo kommune' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Rask psykisk helsehjelp, Demo kommune' })).toBeVisible();
    await visit('/login');
    expect(fetched).toEqual([]);
  });

  test('a step with instant checks fetches the bundle once with JavaScript, and not at all without', async ({ page, visit, hydrated }) => {
    await visit('/services/demo');
    await page.getByRole('button', { name: 'Start henvisningen' }).click();
    await page.getByLabel('Ja, jeg samtykker').check();
    const fetched = codeFetched(page);
    await page.getByRole('button', { name: 'Lagre og gå videre' }).click();
    await expect(page).toHaveURL(/\/refer\/about$/);
    if (hydrated) {
      await waitForHydration(page);
      // Published names carry a content hash, so a browser keeps them for a year.
      expect(fetched).toHaveLength(2);
      expect(fetched.every((path) => /^\/pkg\/rph(_bg)?\.[0-9a-f]{16}\.(js|wasm)$/.test(path))).toBe(true);
      // A typing error in the last digit: the check digits catch it at once.
      const valid = nationalId('150590');
      const mistyped = valid.slice(0, 10) + String((Number(valid[10]) + 1) % 10);
      await page.getByLabel('Fødselsnummer eller D-nummer').fill(mistyped);
      await expect(page.getByText('Nummeret stemmer ikke. Sjekk at alle sifrene er riktige.')).toBeVisible();
    } else {
      expect(fetched).toEqual([]);
    }
  });
});
