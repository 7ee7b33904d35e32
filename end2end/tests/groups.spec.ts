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

  // Moving its second session into the past is refused at the field; so is meeting in
  // person before the group has a place. The next day at nine by video is taken, and
  // the list says so.
  const dates = page.getByRole('region', { name: 'Datoer' });
  const second = dates.locator('details').filter({ hasText: 'Endre samling 2' });
  await second.getByText('Endre samling 2').click();
  await second.getByLabel('Dato').fill('2020-01-07');
  await second.getByRole('button', { name: 'Lagre endringen' }).click();
  await expect(page.getByRole('alert')).toContainText('tidspunkt som har vært');
  const movedDay = new Date(Date.now() + (120 + (hydrated ? 1 : 2) + 8) * 86_400_000).toISOString().slice(0, 10);
  const changeForm = page.locator('details[open]').filter({ hasText: 'Endre samling 2' });
  await expect(changeForm.getByLabel('Dato')).toHaveValue('2020-01-07');
  await expect(changeForm.getByLabel('Dato')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible();
  await changeForm.getByLabel('Dato').fill(movedDay);
  await changeForm.getByLabel('Klokkeslett').fill('09:00');
  await changeForm.getByLabel('Frammøte').check();
  await changeForm.getByRole('button', { name: 'Lagre endringen' }).click();
  await expect(page.getByRole('alert')).toContainText('Samlinger med frammøte trenger et sted.');
  await expect(changeForm.getByLabel('Dato')).toHaveValue(movedDay);
  await expect(changeForm.getByLabel('Klokkeslett')).toHaveValue('09:00');
  await expect(changeForm.getByLabel('Frammøte')).toBeChecked();
  await changeForm.getByLabel('På video').check();
  await changeForm.getByRole('button', { name: 'Lagre endringen' }).click();
  await expect(dates.getByRole('listitem').nth(1)).toContainText('09:00');
  await expect(dates.getByRole('listitem').nth(1)).toContainText('På video');
  // Each saved change says so where it shows.
  await expect(dates.getByRole('status').filter({ hasText: 'Samlingen er endret, og de påmeldte har fått en ny kalenderfil.' })).toBeVisible();

  // No seats at all is refused at the field, the rest kept; then two more seats.
  const change = page.getByRole('region', { name: 'Endre gruppen' });
  await change.getByLabel('Antall plasser').fill('0');
  await change.getByRole('button', { name: 'Lagre endringene' }).click();
  await expect(page.getByRole('alert')).toContainText('antall plasser fra 1 til');
  await expect(change.getByLabel('Antall plasser')).toHaveValue('0');
  await change.getByLabel('Antall plasser').fill('11');
  await change.getByLabel('Sted (ved frammøte)').fill('Helsehuset, 2. etasje');
  await change.getByRole('button', { name: 'Lagre endringene' }).click();
  await expect(page.getByText('0 av 11 plasser tatt')).toBeVisible();
  await expect(change.getByRole('status').filter({ hasText: 'Endringene er lagret.' })).toBeVisible();

  // With a place, the third session meets there instead, and the list names it.
  const third = dates.locator('details').filter({ hasText: 'Endre samling 3' });
  await third.getByText('Endre samling 3').click();
  await third.getByLabel('Frammøte').check();
  await third.getByRole('button', { name: 'Lagre endringen' }).click();
  await expect(dates.getByRole('listitem').nth(2)).toContainText('Frammøte: Helsehuset, 2. etasje');
  await expect(dates.getByRole('listitem').nth(2).getByRole('link', { name: 'Åpne rommet' })).toHaveCount(0);

  // Cancelling asks first and says what it does; then the group is history.
  const steps = page.getByRole('region', { name: 'Kursets gang' });
  await expect(steps.getByRole('button', { name: 'Start kurset' })).toBeVisible();
  await steps.getByText('Avlys kurset', { exact: true }).click();
  await expect(steps).toContainText('Alle samlinger som gjenstår, avlyses.');
  await steps.getByRole('button', { name: 'Ja, avlys kurset' }).click();
  await expect(page.getByRole('region', { name: 'Kursets gang' })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Kurset har fått ny status.' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Endre gruppen' })).toHaveCount(0);
  await expect(dates.getByRole('listitem').filter({ hasText: 'Avlyst' })).toHaveCount(10);

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
