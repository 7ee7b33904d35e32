import { test, expect } from './fixtures';
import { LEAD, staffLogIn } from './board';

// The lead adds a course to the catalogue, starts a course group, moves one of its
// sessions and changes its seats; the running demo group's page (attendance grid,
// scores, sessions) is accessible. On a phone without
// JavaScript and on a hydrated desktop: each staff login waits for a fresh one-time
// code, so the other two projects leave it to these.

test('a lead starts a course group: a start in the past is named at the field, nothing typed is lost', async ({ page, hydrated, expectAccessible }, testInfo) => {
  test.skip(!['no-js-phone', 'hydrated-desktop'].includes(testInfo.project.name), 'two projects cover it');
  test.setTimeout(240_000);
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

  // Moving its second session into the past is refused at the field; the next day at
  // nine is taken, and the list says so.
  const dates = page.getByRole('region', { name: 'Datoer' });
  const second = dates.locator('details').filter({ hasText: 'Flytt samling 2' });
  await second.getByText('Flytt samling 2').click();
  await second.getByLabel('Ny dato').fill('2020-01-07');
  await second.getByRole('button', { name: 'Flytt samlingen' }).click();
  await expect(page.getByRole('alert')).toContainText('tidspunkt som har vært');
  const movedDay = new Date(Date.now() + (120 + (hydrated ? 1 : 2) + 8) * 86_400_000).toISOString().slice(0, 10);
  const moveForm = page.locator('details[open]').filter({ hasText: 'Flytt samling 2' });
  await expect(moveForm.getByLabel('Ny dato')).toHaveValue('2020-01-07');
  await expect(moveForm.getByLabel('Ny dato')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible();
  await moveForm.getByLabel('Ny dato').fill(movedDay);
  await moveForm.getByLabel('Nytt klokkeslett').fill('09:00');
  await moveForm.getByRole('button', { name: 'Flytt samlingen' }).click();
  await expect(dates.getByRole('listitem').nth(1)).toContainText('09:00');

  // No seats at all is refused at the field, the rest kept; then two more seats.
  const change = page.getByRole('region', { name: 'Endre gruppen' });
  await change.getByLabel('Antall plasser').fill('0');
  await change.getByRole('button', { name: 'Lagre endringene' }).click();
  await expect(page.getByRole('alert')).toContainText('antall plasser fra 1 til');
  await expect(change.getByLabel('Antall plasser')).toHaveValue('0');
  await change.getByLabel('Antall plasser').fill('11');
  await change.getByRole('button', { name: 'Lagre endringene' }).click();
  await expect(page.getByText('0 av 11 plasser tatt')).toBeVisible();

  // The running demo group, as the lead sees it.
  await page.goto('/groups/1');
  await expect(page.getByRole('heading', { level: 1, name: 'Kurs i depresjonsmestring (KiD)' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Oppmøte' }).getByRole('row')).toHaveCount(6);
  await expect(page.getByRole('table', { name: 'Skårer' })).toBeVisible();
  await expectAccessible();

  // The catalogue: a course with no name is refused, what was typed kept; then added.
  await page.goto('/groups');
  await page.getByRole('link', { name: 'Kurstilbudet' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Kurstilbudet' })).toBeVisible();
  await expectAccessible();
  await page.getByRole('link', { name: 'Legg til et kurs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Legg til et kurs' })).toBeVisible();
  if (hydrated) await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
  await expectAccessible();
  const name = `Kurs i bedre søvn ${hydrated ? 'A' : 'B'}`;
  await page.getByLabel('Om kurset').fill('Fire samlinger om å sove bedre.');
  await page.getByLabel('Hvem kurset passer for').fill('Deg som sover dårlig.');
  await page.getByLabel('Samlinger, én i uka').fill('4');
  await page.getByRole('button', { name: 'Lagre kurset' }).click();
  await expect(page.getByRole('alert')).toContainText('Navn på kurset');
  await expect(page.getByLabel('Samlinger, én i uka')).toHaveValue('4');
  await expect(page.getByLabel('Om kurset')).toHaveValue('Fire samlinger om å sove bedre.');
  await expectAccessible();
  await page.getByLabel('Navn på kurset').fill(name);
  await page.getByRole('button', { name: 'Lagre kurset' }).click();
  await expect(page).toHaveURL(/\/courses$/);
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
});
