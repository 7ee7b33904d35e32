import { test, expect } from './fixtures';
import { LEAD, staffLogIn } from './board';

// The lead starts a course group and finds it among the groups; the running demo
// group's page (attendance grid, scores, sessions) is accessible. On a phone without
// JavaScript and on a hydrated desktop: each staff login waits for a fresh one-time
// code, so the other two projects leave it to these.

test('a lead starts a course group: a start in the past is named at the field, nothing typed is lost', async ({ page, hydrated, expectAccessible }, testInfo) => {
  test.skip(!['no-js-phone', 'hydrated-desktop'].includes(testInfo.project.name), 'two projects cover it');
  test.setTimeout(150_000);
  await staffLogIn(page, hydrated, LEAD);
  await page.goto('/groups');
  if (hydrated) await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
  await page.getByRole('link', { name: 'Start et nytt kurs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nytt kurs' })).toBeVisible();
  if (hydrated) await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
  await expectAccessible();

  const courseOption = page.getByLabel('Kurs', { exact: true }).locator('option').filter({ hasText: 'bekymring' });
  await page.getByLabel('Kurs', { exact: true }).selectOption({ label: (await courseOption.textContent())! });
  await page.getByLabel('Første samling').fill('2020-01-06');
  // Seven in the morning, each project on its own weekday: no overlap between runs.
  await page.getByLabel('Klokkeslett').fill('07:00');
  await page.getByLabel('Leder', { exact: true }).selectOption({ label: 'Lise Leder' });
  await page.getByLabel('Antall plasser').fill('9');
  await page.getByRole('button', { name: 'Lag kurset' }).click();
  await expect(page.getByRole('alert')).toContainText('Første samling');
  await expect(page.getByLabel('Første samling')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Antall plasser')).toHaveValue('9');
  await expect(page.getByLabel('Leder', { exact: true })).toHaveValue(/\d+/);
  await expectAccessible();

  const first = new Date(Date.now() + (120 + (hydrated ? 1 : 2)) * 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Første samling').fill(first);
  await page.getByLabel('Åpne for påmelding med en gang').check();
  await page.getByRole('button', { name: 'Lag kurset' }).click();
  await expect(page).toHaveURL(/\/groups\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('bekymring');
  await expect(page.getByText('Åpen for påmelding')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Datoer' }).getByRole('listitem')).toHaveCount(10);

  // The running demo group, as the lead sees it.
  await page.goto('/groups/1');
  await expect(page.getByRole('heading', { level: 1, name: 'Kurs i depresjonsmestring (KiD)' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Oppmøte' }).getByRole('row')).toHaveCount(6);
  await expect(page.getByRole('table', { name: 'Skårer' })).toBeVisible();
  await expectAccessible();
});
