import { test, expect } from './fixtures';

test.describe('language', () => {
  test('the switch changes the language and it is remembered', async ({ page, visit, hydrated, expectAccessible }) => {
    await visit('/');
    const languages = page.getByRole('navigation', { name: 'Språk' });

    await languages.getByRole('link', { name: 'Nynorsk' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'nn');
    await expect(page.getByRole('heading', { name: 'Treng du hjelp no?' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Nynorsk' })).toHaveAttribute('aria-current', 'true');
    await expectAccessible();

    // Remembered across visits.
    await visit('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'nn');

    await page.getByRole('navigation', { name: 'Språk' }).getByRole('link', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { level: 1, name: 'Help when life feels heavy' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Do you need help now?' })).toBeVisible();
    if (hydrated) {
      await expect(page.locator('html[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
    }
    await expectAccessible();
  });

  test('the switch returns to the page it was used on', async ({ page, visit }) => {
    await visit('/finnes-ikke');
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page).toHaveURL(/\/finnes-ikke$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  });

  test.describe('with an English browser', () => {
    test.use({ locale: 'en-GB' });

    test('the first visit follows the browser language', async ({ page, visit }) => {
      await visit('/');
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
      await expect(page.getByRole('heading', { level: 1, name: 'Help when life feels heavy' })).toBeVisible();
    });
  });
});
