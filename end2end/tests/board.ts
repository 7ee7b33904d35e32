import { expect, type Page } from '@playwright/test';
import { enterCode } from './accounts';
import { waitForHydration } from './fixtures';
import { answer, fillAbout, next } from './referral';

export const INTAKE = { email: 'inntak@demo.example', password: 'demo-passord-inntak', secret: 'RNISVMI5G2VPSGCTX55SIUQYM54KT6VN' };
export const LEAD = { email: 'leder@demo.example', password: 'demo-passord-leder', secret: 'ELJFAR6NWNCOSCZQD2KVIWU2ECWV2CKI' };

/**
 * Logs a member of staff in with password and one-time code.
 */
export async function staffLogIn(page: Page, hydrated: boolean, who: typeof INTAKE) {
  await page.goto('/login');
  if (hydrated) await waitForHydration(page);
  await page.getByLabel('E-postadresse').fill(who.email);
  await page.getByLabel('Passord').fill(who.password);
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page).toHaveURL(/\/login\/code$/);
  if (hydrated) await waitForHydration(page);
  await enterCode(page, who.secret, /\/account$/);
}

/** Sends a referral with a risk answer through the self-referral pages; returns its reference. */
export async function referWithRiskAnswer(page: Page, hydrated: boolean, person: { nationalId: string; email: string }) {
  await page.goto('/services/demo');
  if (hydrated) await waitForHydration(page);
  await page.getByRole('button', { name: 'Start henvisningen' }).click();
  await page.getByLabel('Ja, jeg samtykker').check();
  await next(page, /about$/);
  await fillAbout(page, person);
  await next(page, /help$/);
  await page.getByLabel('Nedstemthet eller depresjon').check();
  await next(page, /questionnaire-phq9$/);
  for (let i = 1; i <= 8; i++) await answer(page, i, 'Flere dager');
  await answer(page, 9, 'Flere dager');
  await next(page, /questionnaire-gad7$/);
  for (let i = 1; i <= 7; i++) await answer(page, i, 'Flere dager');
  await next(page, /questionnaire-wsas$/);
  for (let i = 1; i <= 5; i++) await answer(page, i, '2 – Litt');
  await next(page, /preferences$/);
  await page.getByLabel('Kurs i gruppe').check();
  await page.getByLabel('På video').check();
  await page.getByLabel('Kveld (17–20)').check();
  await next(page, /review$/);
  await page.getByRole('button', { name: 'Send henvisningen' }).click();
  await expect(page).toHaveURL(/\/services\/demo\/received$/);
  return ((await page.locator('[data-reference]').textContent()) ?? '').trim();
}
