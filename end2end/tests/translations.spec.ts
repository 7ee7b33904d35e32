import { test, expect } from './fixtures';

// Each account page in each language: its heading and its labels are translated.
const pages: Record<string, Record<string, { heading: string; label?: string }>> = {
  nb: {
    '/login': { heading: 'Logg inn', label: 'E-postadresse' },
    '/register': { heading: 'Opprett konto', label: 'Navn' },
    '/forgot-password': { heading: 'Glemt passord', label: 'E-postadresse' },
    '/reset-password': { heading: 'Velg nytt passord', label: 'Velg et passord' },
    '/invitation': { heading: 'Velkommen', label: 'Velg et passord' },
  },
  nn: {
    '/login': { heading: 'Logg inn', label: 'E-postadresse' },
    '/register': { heading: 'Opprett konto', label: 'Namn' },
    '/forgot-password': { heading: 'Gløymt passord', label: 'E-postadresse' },
    '/reset-password': { heading: 'Vel nytt passord', label: 'Vel eit passord' },
    '/invitation': { heading: 'Velkommen', label: 'Vel eit passord' },
  },
  en: {
    '/login': { heading: 'Log in', label: 'Email address' },
    '/register': { heading: 'Create an account', label: 'Name' },
    '/forgot-password': { heading: 'Forgotten password', label: 'Email address' },
    '/reset-password': { heading: 'Choose a new password', label: 'Choose a password' },
    '/invitation': { heading: 'Welcome', label: 'Choose a password' },
  },
};

// One test per page and language: each no-JavaScript accessibility check opens a
// browser context of its own, and five of them in one test came within a second of
// its 30 s budget on a loaded two-core machine.
for (const [lang, paths] of Object.entries(pages)) {
  for (const [path, { heading, label }] of Object.entries(paths)) {
    test(`${path} speaks ${lang}`, async ({ page, visit, isMobile, expectAccessible }) => {
      test.skip(isMobile, 'words do not change with the screen; the desktop projects cover it');
      await visit(`/language/${lang}?to=${path}`);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      if (label) await expect(page.getByLabel(label, { exact: true })).toBeVisible();
      await expectAccessible();
    });
  }
}
