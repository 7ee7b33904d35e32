import { test, expect } from './fixtures';
import { citizenLogIn } from './rooms';
import { INTAKE, staffLogIn, referWithRiskAnswer } from './board';
import { personFor } from './referral';

test('shots', async ({ page, hydrated, browser }, testInfo) => {
  test.setTimeout(120_000);
  const p = testInfo.project.name;
  await page.goto('/services/demo');
  await page.getByRole('heading', { name: 'Kurs i grupper' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `/tmp/shots/${p}-service.png`, fullPage: true });
  await citizenLogIn(page, { email: 'deltaker1@demo.example', password: 'demo-passord-deltaker' }, hydrated);
  await page.screenshot({ path: `/tmp/shots/${p}-account-seat.png`, fullPage: true });
  if (p === 'no-js-desktop') {
    const staff = await browser.newContext({ javaScriptEnabled: false, locale: 'nb-NO' });
    const s = await staff.newPage();
    const person = personFor(p, 9);
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: 'nb-NO' });
    const reference = await referWithRiskAnswer(await ctx.newPage(), false, person);
    await staffLogIn(s, false, INTAKE);
    await s.goto(`/board/referrals/${reference}`);
    await s.screenshot({ path: `/tmp/shots/${p}-referral.png`, fullPage: true });
  }
});
