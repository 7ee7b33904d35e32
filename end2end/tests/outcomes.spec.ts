import { readFileSync } from 'fs';
import { test, expect } from './fixtures';
import { LEAD, staffLogIn } from './board';
import { citizenLogIn } from './rooms';

// The lead opens a participant's scores over time from the running demo group and the
// service's figures: server-drawn charts with tables, small numbers hidden, axe clean.
// On a phone without JavaScript and on a hydrated desktop (each staff login waits for
// a fresh one-time code, so the other projects leave it to these).

test('a lead reads a participant\'s scores over time and the service\'s figures', async ({ page, hydrated, expectAccessible }, testInfo) => {
  test.skip(!['no-js-phone', 'hydrated-desktop'].includes(testInfo.project.name), 'two projects cover it');
  // The login may wait for the next one-time code window (another test used this
  // one's code), up to four of them: the test's time must hold that.
  test.setTimeout(180_000);
  await staffLogIn(page, hydrated, LEAD);
  await page.goto('/groups/1');
  await page.getByRole('link', { name: 'Skårer over tid – Ola Hansen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Skårer over tid' })).toBeVisible();
  const phq9 = page.getByRole('region', { name: 'Spørreskjema om depresjon (PHQ-9)' });
  await expect(phq9.getByText('Fra 10 til 4: reliabel bedring')).toBeVisible();
  await expect(phq9.getByRole('img')).toHaveAccessibleName(/skår over tid/);
  await expect(phq9.getByRole('table').getByRole('row')).toHaveCount(5);
  await expect(phq9.getByRole('row', { name: /Samling 3/ })).toContainText('4');
  await expectAccessible();

  await page.goto('/account');
  await page.getByRole('link', { name: 'Tall og resultater' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tjenestens tall' })).toBeVisible();
  await page.getByLabel('Fordelt på').selectOption({ label: 'Kommune' });
  await page.getByRole('button', { name: 'Vis tallene' }).click();
  await expect(page).toHaveURL(/by=municipality/);
  await expect(page.getByRole('table', { name: 'Kommune' }).getByRole('row', { name: /Demo kommune/ })).toContainText('< 5');
  await page.getByRole('link', { name: 'Definisjon: Bedring' }).click();
  await expect(page).toHaveURL(/#definition-recovery$/);
  await expectAccessible();
});

// A participant of the running demo group reads their own scores in plain words from
// My page, and saves their answers as a file (FHIR) and their scores (CSV).
test('a participant reads their own scores and downloads their answers', async ({ page, hydrated, expectAccessible }) => {
  await citizenLogIn(page, { email: 'deltaker1@demo.example', password: 'demo-passord-deltaker' }, hydrated);
  await page.getByRole('link', { name: 'Se hvordan det har gått' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Slik har det gått' })).toBeVisible();
  const phq9 = page.getByRole('region', { name: 'Spørreskjema om depresjon (PHQ-9)' });
  await expect(phq9.getByRole('row', { name: /Samling 3/ })).toContainText('4');
  const downloads = page.getByRole('region', { name: 'Last ned' });
  const [answers] = await Promise.all([
    page.waitForEvent('download'),
    downloads.getByRole('link', { name: /Svarene/ }).click(),
  ]);
  expect(answers.suggestedFilename()).toBe('svar-RPH-DEMO-0101.json');
  const bundle = JSON.parse(readFileSync(await answers.path(), 'utf8'));
  expect(bundle.resourceType).toBe('Bundle');
  expect(bundle.entry.length).toBeGreaterThanOrEqual(6);
  const [scores] = await Promise.all([
    page.waitForEvent('download'),
    downloads.getByRole('link', { name: /Skårene/ }).click(),
  ]);
  expect(scores.suggestedFilename()).toBe('skarer-RPH-DEMO-0101.csv');
  await expectAccessible();
});
