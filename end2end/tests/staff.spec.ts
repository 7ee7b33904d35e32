import { test, expect, waitForHydration } from './fixtures';
import { enterCode, logIn } from './accounts';
import { linkIn, mailTo } from './mail';

test('a lead invites a member of staff, who accepts, and then closes their access', async ({
  page,
  hydrated,
  expectAccessible,
}, testInfo) => {
  // The lead's one-time code works once per 30 seconds: one project runs this.
  test.skip(testInfo.project.name !== 'hydrated-desktop', 'the lead account is shared');
  // Another test may have used this window's one-time code; the next one comes within 30 s.
  test.setTimeout(90_000);
  await page.goto('/login');
  await waitForHydration(page);
  await logIn(page, 'leder@demo.example', 'demo-passord-leder');
  await enterCode(page, 'ELJFAR6NWNCOSCZQD2KVIWU2ECWV2CKI', /\/account$/);
  await page.getByRole('link', { name: 'Ansatte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Ansatte i tjenesten' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'terapeut@demo.example' })).toBeVisible();
  await expectAccessible();

  const staffTable = page.getByRole('table');
  // Each role menu fits inside the table, not cut off at its edge.
  const region = await page.getByRole('region', { name: 'Ansatte i tjenesten' }).boundingBox();
  const menu = await staffTable.getByLabel('Rolle – Tor Terapeut').boundingBox();
  expect(menu!.x + menu!.width).toBeLessThanOrEqual(region!.x + region!.width);
  await page.getByLabel('Navn').fill('Nora Ny');
  await page.getByLabel('E-postadresse').fill('nora@demo.example');
  await page.locator('#field-role').selectOption('therapist');
  await page.getByRole('button', { name: 'Send invitasjon' }).click();
  await expect(page.getByRole('status')).toContainText('Invitasjonen er sendt til Nora Ny (nora@demo.example)');
  await expect(staffTable.getByRole('row', { name: /Nora Ny/ })).toContainText('Invitert');

  await expect.poll(() => mailTo('nora@demo.example').length).toBe(1);
  const invitation = linkIn(mailTo('nora@demo.example')[0], '/invitation?token=');
  const nora = await page.context().browser()!.newContext();
  const noraPage = await nora.newPage();
  await noraPage.goto(invitation);
  await waitForHydration(noraPage);
  await expectAccessible();
  await noraPage.getByLabel('Velg et passord').fill('et langt passord for jobben');
  await noraPage.getByRole('button', { name: 'Ta kontoen i bruk' }).click();
  await expect(noraPage.getByRole('status')).toContainText('Kontoen er klar');
  await nora.close();

  await page.reload();
  await waitForHydration(page);
  const row = page.getByRole('table').getByRole('row', { name: /Nora Ny/ });
  await expect(row).toContainText('Aktiv');
  // Closing access asks first, says what it does, and can be undone.
  await row.getByRole('link', { name: 'Steng tilgang – Nora Ny' }).click();
  const question = page.getByRole('group', { name: 'Stenge tilgangen for Nora Ny?' });
  await expect(question).toContainText('En leder kan åpne tilgangen igjen');
  await expectAccessible();
  await question.getByRole('button', { name: 'Ja, steng tilgangen – Nora Ny' }).click();
  await expect(page.getByRole('table').getByRole('row', { name: /Nora Ny/ })).toContainText('Stengt');
  await page
    .getByRole('table')
    .getByRole('row', { name: /Nora Ny/ })
    .getByRole('button', { name: 'Åpne tilgangen igjen – Nora Ny' })
    .click();
  await expect(page.getByRole('table').getByRole('row', { name: /Nora Ny/ })).toContainText('Aktiv');
});
