import { test, expect, waitForHydration } from './fixtures';

test.describe('home page', () => {
  test('shows what the service is, the services and the crisis numbers', async ({ page, visit, expectAccessible }) => {
    await visit('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
    await expect(page.getByRole('heading', { level: 1, name: 'Hjelp når livet er tungt' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Rask psykisk helsehjelp, Demo kommune' })).toBeVisible();
    await expect(page.getByText('Demo kommune, Nabo kommune')).toBeVisible();

    const crisis = page.getByRole('complementary', { name: 'Trenger du hjelp nå?' });
    await expect(crisis.getByRole('link', { name: '113' })).toHaveAttribute('href', 'tel:113');
    await expect(crisis.getByRole('link', { name: '116 117' })).toHaveAttribute('href', 'tel:116117');
    await expect(crisis.getByRole('link', { name: '116 123' })).toHaveAttribute('href', 'tel:116123');

    await expect(page.getByRole('banner')).toBeVisible();
    await expect(page.getByRole('main')).toBeVisible();
    await expect(page.getByRole('contentinfo')).toBeVisible();
    await expectAccessible();
  });

  test('the skip link is the first stop and leads to the main content', async ({ page, visit, isMobile }) => {
    test.skip(isMobile, 'phones have no Tab key');
    await visit('/');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Hopp til hovedinnholdet' });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/#main$/);
  });

  test('on a phone the crisis numbers are one tap away', async ({ page, visit, isMobile }) => {
    test.skip(!isMobile, 'the desktop layout shows the crisis box beside the content');
    await visit('/');
    const emergency = page.getByRole('link', { name: '113' });
    await expect(emergency).not.toBeInViewport();
    await page.getByRole('link', { name: 'Akutt hjelp' }).click();
    await expect(page).toHaveURL(/#crisis$/);
    await expect(emergency).toBeInViewport();
  });

  test('on a phone the header leaves most of the first screen to the page', async ({ page, visit, isMobile }) => {
    test.skip(!isMobile, 'a phone layout');
    for (const size of [null, { width: 360, height: 640 }]) {
      if (size) await page.setViewportSize(size);
      await visit('/services/demo');
      const header = (await page.locator('header.site-header').boundingBox())!;
      const screen = page.viewportSize()!;
      // Two short rows: the name and crisis help, the languages and My page.
      expect(header.height / screen.height).toBeLessThan(0.15);
      await expect(page.getByRole('link', { name: 'Akutt hjelp' })).toBeInViewport();
      await expect(page.getByRole('button', { name: 'Start henvisningen' })).toBeInViewport();
    }
  });

  test('hydrates without errors or policy violations', async ({ page, visit, hydrated, browserErrors }) => {
    test.skip(!hydrated, 'needs JavaScript');
    await visit('/');
    await waitForHydration(page);
    expect(browserErrors).toEqual([]);
  });

  test('an unknown address shows a translated not-found page', async ({ page, expectAccessible }) => {
    const response = await page.goto('/finnes-ikke');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1, name: 'Fant ikke siden' })).toBeVisible();
    await expectAccessible();
  });
});
