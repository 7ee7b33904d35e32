import { test, expect, waitForHydration } from './fixtures';
import { INTAKE, referWithRiskAnswer, staffLogIn } from './board';
import { linkIn, mailTo } from './mail';
import { personFor } from './referral';

test('a citizen finds who has looked at their data from their page', async ({ page, visit, expectAccessible }) => {
  await visit('/login');
  await page.getByLabel('E-postadresse').fill('innbygger@demo.example');
  await page.getByLabel('Passord').fill('demo-passord-innbygger');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page.getByRole('heading', { name: 'Kari Nordmann' })).toBeVisible();

  await page.getByRole('link', { name: 'Hvem har sett opplysningene mine' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hvem har sett opplysningene mine' })).toBeVisible();
  await expect(page.getByText('Ingen ansatte har sett opplysningene dine.')).toBeVisible();
  await expectAccessible();
});

test('the access log is not shown without a login, and the login comes back to it', async ({ page, visit }) => {
  await visit('/account/access-log');
  await expect(page).toHaveURL(/\/login\?next=\/account\/access-log$/);
  await page.getByLabel('E-postadresse').fill('innbygger@demo.example');
  await page.getByLabel('Passord').fill('demo-passord-innbygger');
  await page.getByRole('button', { name: 'Logg inn' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hvem har sett opplysningene mine' })).toBeVisible();
});

test("each look at a person's data is one line, with how many times, what and why, and it fits a phone", async ({ page, browser, hydrated }, testInfo) => {
  // A phone is where the page was cut off; the desktop's lines are in the Rust tests.
  test.skip(!testInfo.project.name.includes('phone'), 'phone layouts');
  test.setTimeout(120_000);
  const person = personFor(testInfo.project.name, 8);
  const reference = await referWithRiskAnswer(page, hydrated, person);
  await expect.poll(() => mailTo(person.email).length).toBe(1);
  await page.goto(linkIn(mailTo(person.email)[0], '/referral/follow'));
  if (hydrated) await waitForHydration(page);
  await page.getByLabel('Velg et passord').fill('et langt og godt passord');
  await page.getByRole('button', { name: 'Ta kontoen i bruk' }).click();
  await expect(page).toHaveURL(/\/account$/);

  // Intake opens the referral three times in a row.
  const staff = await browser.newContext({ javaScriptEnabled: hydrated, locale: 'nb-NO' });
  const intake = await staff.newPage();
  await staffLogIn(intake, hydrated, INTAKE);
  for (let i = 0; i < 3; i++) {
    await intake.goto(`/board/${reference}`);
    await expect(intake.getByRole('heading', { level: 1, name: `Henvisning ${reference}` })).toBeVisible();
  }
  await staff.close();

  await page.getByRole('link', { name: 'Hvem har sett opplysningene mine' }).click();
  const rows = page.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row).toContainText('Ingrid Inntak');
  await expect(row).toContainText('Leste henvisningen din (3 ganger)');
  await expect(row).toContainText('Vurdere henvisningen din og hva du kan få tilbud om');
  // Nothing is cut off or needs sideways scrolling, on a phone too.
  await expect(row.getByText('Vurdere henvisningen din')).toBeInViewport();
  const overflow = await page.evaluate(() => {
    const region = document.querySelector('.table-scroll') as HTMLElement;
    return region.scrollWidth - region.clientWidth + Math.max(0, document.documentElement.scrollWidth - window.innerWidth);
  });
  expect(overflow).toBe(0);
});
