import { test, expect } from './fixtures';
import { fillAbout, next, personFor } from './referral';

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

  test('switching language on a referral step keeps what was typed there', async ({ page, visit, expectAccessible }, testInfo) => {
    const person = personFor(testInfo.project.name, 11);
    await visit('/services/demo');
    await page.getByRole('button', { name: 'Start henvisningen' }).click();
    await page.getByLabel('Ja, jeg samtykker').check();
    await next(page, /about$/);
    await page.getByLabel('Fullt navn').fill('Kari Språkbytte');
    await page.getByLabel('Mobilnummer').fill('912 34 567');
    await page.getByLabel('SMS').check();

    await page.getByRole('navigation', { name: 'Språk' }).getByRole('button', { name: 'Nynorsk' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'nn');
    await expect(page).toHaveURL(/\/refer\/about$/);
    await expect(page.getByLabel('Fullt namn')).toHaveValue('Kari Språkbytte');
    await expect(page.getByLabel('Mobilnummer')).toHaveValue('912 34 567');
    await expect(page.getByLabel('SMS')).toBeChecked();
    // Nothing was sent with "next", so nothing is called a mistake yet.
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Nynorsk' })).toHaveAttribute('aria-current', 'true');
    await expectAccessible();

    // And back, finishing the step in bokmål.
    await page.getByRole('navigation', { name: 'Språk' }).getByRole('button', { name: 'Bokmål' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'nb');
    await fillAbout(page, person);
    await next(page, /help$/);
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
