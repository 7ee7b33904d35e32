import { test, expect, waitForHydration } from './fixtures';
import { linkIn, mailTo } from './mail';
import { answer, fillAbout, next, personFor } from './referral';
import type { Page } from '@playwright/test';

/** A referral step's page as the server renders it for this browser's draft. */
async function stepHtml(page: Page, step: string): Promise<string> {
  return (await page.request.get(`/services/demo/refer/${step}`)).text();
}

test.describe('self-referral', () => {
  // Whole referrals with an accessibility check on every step take a while.
  test.describe.configure({ timeout: 120_000 });

  test('a person refers themselves step by step and gets a receipt', async ({ page, visit, hydrated, expectAccessible }, testInfo) => {
    const person = personFor(testInfo.project.name, 1);
    await visit('/');
    await page.getByRole('link', { name: 'Rask psykisk helsehjelp, Demo kommune' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Rask psykisk helsehjelp, Demo kommune' })).toBeVisible();
    await expect(page.getByText('Kommuner: Demo kommune, Nabo kommune')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Slik bruker vi opplysningene dine' })).toBeVisible();
    await expect(page.getByRole('link', { name: '116 123' }).first()).toBeVisible();
    await expectAccessible();

    await page.getByRole('button', { name: 'Start henvisningen' }).click();
    await expect(page).toHaveURL(/\/refer\/consent$/);
    await expect(page.getByText('Steg 1 av 8')).toBeVisible();
    await expectAccessible();
    await page.getByLabel('Ja, jeg samtykker').check();
    await next(page, /\/refer\/about$/);

    await expect(page.getByText('Steg 2 av 8')).toBeVisible();
    await fillAbout(page, person);
    await expectAccessible();
    await next(page, /\/refer\/help$/);

    await page.getByLabel('Søvnproblemer').check();
    await page.getByLabel('Stress').check();
    await page.getByLabel(/Fortell gjerne/).fill('Jeg sover dårlig og er sliten.');
    await expectAccessible();
    await next(page, /questionnaire-phq9$/);

    await expect(page.getByRole('heading', { level: 1, name: 'Spørreskjema om depresjon (PHQ-9)' })).toBeVisible();
    await expect(page.getByText('PHQ and GAD-7 © Pfizer Inc.')).toBeVisible();
    for (let i = 1; i <= 9; i++) await answer(page, i, i < 9 ? 'Flere dager' : 'Ikke i det hele tatt');
    await expectAccessible();
    await next(page, /questionnaire-gad7$/);
    await expect(page.getByText('Takk for at du svarte ærlig')).toHaveCount(0);

    for (let i = 1; i <= 7; i++) await answer(page, i, 'Ikke i det hele tatt');
    await expectAccessible();
    await next(page, /questionnaire-wsas$/);

    await answer(page, 1, 'Gjelder ikke meg');
    for (let i = 2; i <= 5; i++) await answer(page, i, '2 – Litt');
    await expectAccessible();
    await next(page, /preferences$/);

    // The times given for being contacted are filled in, not asked for again.
    const meeting = page.getByRole('group', { name: 'Når på dagen kan du møte til kurs eller samtaler?' });
    await expect(meeting.getByLabel('Morgen (8–11)')).toBeChecked();
    await expect(meeting.getByLabel('Kveld (17–20)')).not.toBeChecked();
    await page.getByLabel('Kurs i gruppe').check();
    await page.getByLabel('På video').check();
    await page.getByLabel('Kveld (17–20)').check();
    await expectAccessible();
    await next(page, /review$/);

    await expect(page.getByText('Steg 8 av 8')).toBeVisible();
    await expect(page.getByText(person.nationalId)).toBeVisible();
    await expect(page.getByText('Søvnproblemer, Stress')).toBeVisible();
    await expectAccessible();

    // Change a step from the review and come straight back.
    await page.getByRole('link', { name: 'Endre Hva passer for deg' }).click();
    await expect(page).toHaveURL(/preferences\?from=review$/);
    await page.getByLabel('Samtaler alene med en behandler').check();
    await next(page, /review$/);
    await expect(page.getByText('Samtaler alene med en behandler')).toBeVisible();

    await page.getByRole('button', { name: 'Send henvisningen' }).click();
    await expect(page).toHaveURL(/\/services\/demo\/received$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Takk, henvisningen er sendt' })).toBeVisible();
    const reference = (await page.locator('[data-reference]').textContent()) ?? '';
    expect(reference).toMatch(/^RPH-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    await expectAccessible();

    await expect.poll(() => mailTo(person.email).length).toBe(1);
    const [receipt] = mailTo(person.email);
    expect(receipt.subject).toBe('Vi har mottatt henvisningen din');
    expect(receipt.body).toContain(reference);
    expect(receipt.body).not.toMatch(/sover|PHQ|depresjon|angst/i);

    // The emailed link makes the address an account that can follow the referral.
    await page.goto(linkIn(receipt, '/referral/follow'));
    if (hydrated) await waitForHydration(page);
    await page.getByLabel('Velg et passord').fill('et langt og godt passord');
    await page.getByRole('button', { name: 'Ta kontoen i bruk' }).click();
    // Signed in at once: My page, without typing the address again.
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { name: 'Henvisningene dine' })).toBeVisible();
    await expect(page.locator('strong').filter({ hasText: reference })).toBeVisible();

    // They open it and withdraw it, as the service page promises: a box to tick first.
    await page.getByRole('link', { name: `Se henvisningen ${reference}` }).click();
    await expect(page.getByRole('heading', { level: 1, name: `Henvisning ${reference}` })).toBeVisible();
    await expect(page.getByRole('definition').filter({ hasText: 'Mottatt, venter på vurdering' })).toBeVisible();
    await expectAccessible();
    await page.getByRole('button', { name: 'Trekk henvisningen' }).click();
    await expect(page.getByRole('alert')).toContainText('Kryss av for å bekrefte');
    await page.getByLabel('Ja, jeg vil trekke henvisningen').check();
    await page.getByRole('button', { name: 'Trekk henvisningen' }).click();
    await expect(page).toHaveURL(/\/account\?withdrawn=1$/);
    await expect(page.getByRole('status')).toContainText('Henvisningen er trukket');
    await expect(page.getByRole('listitem').filter({ hasText: reference })).toContainText('Trukket');
  });

  test('a risk answer shows a calm message at once and never blocks the referral', async ({ page, visit, expectAccessible }, testInfo) => {
    const person = personFor(testInfo.project.name, 2);
    await visit('/services/demo');
    await page.getByRole('button', { name: 'Start henvisningen' }).click();
    await page.getByLabel('Ja, jeg samtykker').check();
    await next(page, /about$/);
    await fillAbout(page, person);
    await next(page, /help$/);
    await page.getByLabel('Nedstemthet eller depresjon').check();
    await next(page, /questionnaire-phq9$/);
    // The instrument's English copyright line is marked as English.
    await expect(page.locator('.licence [lang="en"]')).toContainText('Pfizer');
    for (let i = 1; i <= 8; i++) await answer(page, i, 'Mer enn halvparten av dagene');
    // As soon as a risk answer is ticked, before anything is sent (no script needed):
    // the message, and the way to send the referral now; the highest answer speaks
    // more directly.
    const sendNow = page.getByRole('button', { name: 'Send henvisningen nå' });
    await expect(sendNow).toBeHidden();
    await answer(page, 9, 'Nesten hver dag');
    await expect(page.getByRole('region', { name: 'Vi vil at du skal få hjelp nå' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Takk for at du svarte ærlig' })).toBeHidden();
    await expect(sendNow).toBeVisible();
    await answer(page, 9, 'Flere dager');
    const instant = page.getByRole('region', { name: 'Takk for at du svarte ærlig' });
    await expect(instant).toBeVisible();
    await expect(instant).toContainText('Tjenesten ser ingenting før henvisningen er sendt');
    await expect(page.getByRole('region', { name: 'Vi vil at du skal få hjelp nå' })).toBeHidden();
    await expectAccessible();
    await next(page, /questionnaire-gad7$/);

    // On the next page: plainly, nothing is sent yet; what to do now, the numbers to
    // call, and sending it now without the remaining steps.
    const notice = page.getByRole('region', { name: 'Takk for at du svarte ærlig' });
    await expect(notice).toBeVisible();
    await expect(notice).toContainText('Tjenesten ser ingenting av henvisningen før den er sendt');
    await expect(notice.getByRole('button', { name: 'Send henvisningen nå' })).toBeVisible();
    await expect(notice.getByRole('link', { name: '113' })).toHaveAttribute('href', 'tel:113');
    await expect(notice.getByRole('link', { name: '116 123' })).toHaveAttribute('href', 'tel:116123');
    await expectAccessible();
    for (let i = 1; i <= 7; i++) await answer(page, i, 'Flere dager');
    await next(page, /questionnaire-wsas$/);
    for (let i = 1; i <= 5; i++) await answer(page, i, '4 – Klart');
    await next(page, /preferences$/);
    await page.getByLabel('Begge deler passer').first().check();
    await page.getByRole('group', { name: 'Hvordan vil du helst møte oss?' }).getByLabel('Begge deler passer').check();
    await page.getByLabel('Ettermiddag (14–17)').check();
    await next(page, /review$/);
    await page.getByRole('button', { name: 'Send henvisningen' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Takk, henvisningen er sendt' })).toBeVisible();
    await expect(page.getByText('ser vi på henvisningen din så raskt vi kan')).toBeVisible();
    await expectAccessible();
  });

  test('after the highest risk answer the referral is sent at once, without the remaining steps', async ({ page, visit }, testInfo) => {
    const person = personFor(testInfo.project.name, 12);
    await visit('/services/demo');
    await page.getByRole('button', { name: 'Start henvisningen' }).click();
    await page.getByLabel('Ja, jeg samtykker').check();
    await next(page, /about$/);
    await fillAbout(page, person);
    await next(page, /help$/);
    await page.getByLabel('Nedstemthet eller depresjon').check();
    await next(page, /questionnaire-phq9$/);
    for (let i = 1; i <= 8; i++) await answer(page, i, 'Flere dager');
    await answer(page, 9, 'Nesten hver dag');
    await page.getByRole('button', { name: 'Send henvisningen nå' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Takk, henvisningen er sendt' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Takk for at du svarte ærlig' })).toContainText('Henvisningen er sendt');
  });

  test('a person leaves and continues from the emailed link on another device', async ({ page, browser, visit, hydrated }, testInfo) => {
    const person = personFor(testInfo.project.name, 3);
    await visit('/services/demo');
    await page.getByRole('button', { name: 'Start henvisningen' }).click();
    await page.getByLabel('Ja, jeg samtykker').check();
    await next(page, /about$/);
    await fillAbout(page, person);
    await next(page, /help$/);
    // Half of this step (no area ticked yet), not sent with "next": "continue later"
    // keeps it as typed.
    await page.getByLabel('Fortell gjerne kort hva du strever med (valgfritt)').fill('Sover dårlig om natta.');

    await page.getByRole('button', { name: 'Lagre og fortsett senere' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Fortsett senere' })).toBeVisible();
    await page.getByLabel('E-postadresse').fill(person.email);
    await page.getByRole('button', { name: 'Send meg lenken' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sjekk e-posten din' })).toBeVisible();

    await expect.poll(() => mailTo(person.email).length).toBe(1);
    const link = linkIn(mailTo(person.email)[0], '/referral/resume');
    const other = await browser.newContext({ javaScriptEnabled: hydrated, locale: 'nb-NO' });
    try {
      const laptop = await other.newPage();
      await laptop.goto(link);
      if (hydrated) await waitForHydration(laptop);
      await laptop.getByRole('button', { name: 'Fortsett' }).click();
      await expect(laptop).toHaveURL(/\/refer\/help$/);
      await expect(laptop.getByText('Steg 3 av 8')).toBeVisible();
      await expect(laptop.getByLabel('Fortell gjerne kort hva du strever med (valgfritt)')).toHaveValue('Sover dårlig om natta.');
      await expect(laptop.getByRole('alert')).toHaveCount(0);
      // What was saved on the phone is there.
      await laptop.goto('/services/demo/refer/about');
      await expect(laptop.getByLabel('Fullt navn')).toHaveValue('Kari Nordmann');
      await expect(laptop.getByLabel('SMS')).toBeChecked();
      // The link works once.
      await laptop.goto(link);
      if (hydrated) await waitForHydration(laptop);
      await laptop.getByRole('button', { name: 'Fortsett' }).click();
      await expect(laptop.getByRole('alert')).toContainText('Lenken');
    } finally {
      await other.close();
    }
  });

  test("back then forward, or the step's own back link, keeps what was typed on a step", async ({ page, visit, hydrated }) => {
    test.skip(!hydrated, 'without JavaScript the browser itself restores the fields it may remember');
    await visit('/services/demo');
    await page.getByRole('button', { name: 'Start henvisningen' }).click();
    await page.getByLabel('Ja, jeg samtykker').check();
    await next(page, /about$/);
    await waitForHydration(page);
    await page.getByLabel('Fullt navn').fill('Kari Tilbake');
    // The identity number is one the browser must not remember, so it cannot restore it.
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('15059012345');
    await page.goBack();
    await expect(page).toHaveURL(/consent$/);
    // The page sent what it had as it went (a beacon, which tests cannot watch): the
    // server's step shows it once it has arrived.
    await expect.poll(() => stepHtml(page, 'about')).toContain('Kari Tilbake');
    await page.goForward();
    await expect(page).toHaveURL(/about$/);
    await expect(page.getByLabel('Fullt navn')).toHaveValue('Kari Tilbake');
    await expect(page.getByLabel('Fødselsnummer eller D-nummer')).toHaveValue('15059012345');
    // Nothing is named as wrong before the person goes on.
    await expect(page.getByRole('alert')).toHaveCount(0);

    await waitForHydration(page);
    await page.getByLabel('Mobilnummer').fill('912 34 567');
    await page.getByRole('link', { name: 'Tilbake' }).click();
    await expect(page).toHaveURL(/consent$/);
    await expect.poll(() => stepHtml(page, 'about')).toContain('912 34 567');
    await next(page, /about$/);
    await expect(page.getByLabel('Mobilnummer')).toHaveValue('912 34 567');
    await expect(page.getByLabel('Fødselsnummer eller D-nummer')).toHaveValue('15059012345');
  });

  test('every kind of wrong input is named, and nothing typed is lost', async ({ page, visit, expectAccessible }, testInfo) => {
    const person = personFor(testInfo.project.name, 4);
    await visit('/services/demo');
    await page.getByRole('button', { name: 'Start henvisningen' }).click();
    await next(page, null);
    await expect(page.getByRole('alert')).toContainText('Du må svare ja for at vi kan ta imot henvisningen.');
    await page.getByLabel('Ja, jeg samtykker').check();
    await next(page, /about$/);

    await page.getByLabel('Fullt navn').fill('Kari Nordmann');
    await page.getByLabel('Fødselsnummer eller D-nummer').fill('15059012345');
    await page.getByLabel('Kommunen du bor i').selectOption('9903');
    await page.getByLabel('Mobilnummer').fill('12');
    await page.getByLabel('E-postadresse').fill('kari@');
    await page.getByLabel('Telefonsamtale').check();
    await next(page, null);
    const summary = page.getByRole('alert');
    await expect(summary).toContainText('Noe av det du skrev må rettes');
    // The summary has the focus and is on the screen, with and without JavaScript.
    await expect(summary).toBeFocused();
    await expect(summary).toBeInViewport();
    await expect(summary.getByRole('link', { name: /^Fødselsnummer eller D-nummer: Nummeret stemmer ikke/ })).toHaveAttribute('href', '#field-national_id');
    await expect(summary.getByRole('link', { name: /^Når passer det best at vi tar kontakt\? Velg minst ett/ })).toBeVisible();
    await expect(page.getByLabel('Mobilnummer')).toHaveAttribute('aria-invalid', 'true');
    // Kept: everything typed and ticked.
    await expect(page.getByLabel('Fullt navn')).toHaveValue('Kari Nordmann');
    await expect(page.getByLabel('Fødselsnummer eller D-nummer')).toHaveValue('15059012345');
    await expect(page.getByLabel('Telefonsamtale')).toBeChecked();
    // A municipality this service does not serve: told whom to contact instead.
    await expect(page.getByRole('link', { name: 'Rask psykisk helsehjelp, Fjell' })).toHaveAttribute('href', '/services/fjell');
    await expectAccessible();

    await fillAbout(page, person);
    await next(page, /help$/);
    // A new step starts at its heading.
    await expect(page.getByRole('heading', { level: 1, name: 'Hva du ønsker hjelp med' })).toBeFocused();
    await next(page, null);
    await expect(page.getByRole('alert')).toContainText('Velg minst ett alternativ.');
    await page.getByLabel('Angst eller uro').check();
    await next(page, /questionnaire-phq9$/);

    await answer(page, 1, 'Flere dager');
    await answer(page, 2, 'Nesten hver dag');
    await next(page, null);
    await expect(page.getByRole('alert').getByRole('link', { name: 'Spørsmål 3: Svar på dette spørsmålet.' })).toHaveAttribute('href', '#field-item_3');
    await expect(page.getByRole('group', { name: /^2\. / }).getByLabel('Nesten hver dag')).toBeChecked();
    await expect(page.getByRole('group', { name: /^1\. / }).getByLabel('Flere dager', { exact: true })).toBeChecked();
    await expectAccessible();
  });

  test('the identity number is checked as soon as eleven digits are typed, and errors clear when fixed', async ({ page, visit, hydrated }) => {
    test.skip(!hydrated, 'checking as you go needs JavaScript; without it the server checks on sending');
    await visit('/services/demo');
    await page.getByRole('button', { name: 'Start henvisningen' }).click();
    await page.getByLabel('Ja, jeg samtykker').check();
    await next(page, /about$/);
    const id = page.getByLabel('Fødselsnummer eller D-nummer');
    await id.pressSequentially('1505901234');
    await expect(page.getByText('Nummeret stemmer ikke.')).toHaveCount(0);
    await id.pressSequentially('5');
    await expect(page.getByText('Nummeret stemmer ikke. Sjekk at alle sifrene er riktige.')).toBeVisible();
    await expect(id).toHaveAttribute('aria-invalid', 'true');
    await expect(page).toHaveURL(/about$/);
    // A problem the server named goes away as soon as the field is put right.
    await page.getByLabel('Mobilnummer').fill('12');
    await next(page, null);
    await expect(page.getByText('Skriv et telefonnummer med 8 siffer').first()).toBeVisible();
    await page.getByLabel('Mobilnummer').fill('91234567');
    await expect(page.getByLabel('Mobilnummer')).not.toHaveAttribute('aria-invalid', 'true');
  });
});

const words: Record<string, Record<string, string>> = {
  nn: {
    start: 'Start tilvisinga',
    step: 'Steg 1 av 8',
    consent: 'Samtykke',
    yes: 'Ja, eg samtykkjer',
    next: 'Lagre og gå vidare',
    about: 'Om deg',
    name: 'Fullt namn',
    phq9: 'Spørjeskjema om depresjon (PHQ-9)',
  },
  en: {
    start: 'Start the referral',
    step: 'Step 1 of 8',
    consent: 'Consent',
    yes: 'Yes, I consent',
    next: 'Save and continue',
    about: 'About you',
    name: 'Full name',
    phq9: 'Patient Health Questionnaire (PHQ-9)',
  },
};

for (const [lang, w] of Object.entries(words)) {
  test(`the referral speaks ${lang}`, async ({ page, visit, isMobile, expectAccessible }) => {
    test.skip(isMobile, 'words do not change with the screen; the desktop projects cover it');
    await visit(`/language/${lang}?to=/services/demo`);
    await page.getByRole('button', { name: w.start }).click();
    await expect(page.getByText(w.step)).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: w.consent })).toBeVisible();
    await page.getByLabel(w.yes).check();
    await page.getByRole('button', { name: w.next, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: w.about })).toBeVisible();
    await expect(page.getByLabel(w.name)).toBeVisible();
    await expectAccessible();
    // The questionnaire titles come from the instrument files, in the same language
    // (the page says to finish the earlier steps first, under the step's title).
    await page.goto('/services/demo/refer/questionnaire-phq9');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.phq9);
  });
}
