import { test, expect } from './fixtures';
import { staffLogIn } from './board';
import { THERAPIST } from './rooms';

test('shots', async ({ page, hydrated }, testInfo) => {
  const p = testInfo.project.name;
  await staffLogIn(page, hydrated, THERAPIST);
  await page.goto('/groups');
  await page.screenshot({ path: `/tmp/shots/${p}-groups.png`, fullPage: true });
  await page.goto('/groups/1');
  await page.screenshot({ path: `/tmp/shots/${p}-group.png`, fullPage: true });
});
