import { expect, type Page } from '@playwright/test';

/** A valid Norwegian national identity number born on ddmmyy (19xx); `n` picks among them. */
export function nationalId(ddmmyy: string, n = 0): string {
  const found: string[] = [];
  for (let i = 100; i < 500 && found.length <= n; i++) {
    const d = (ddmmyy + String(i).padStart(3, '0')).split('').map(Number);
    const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
    let k1 = 11 - (d.reduce((s, x, j) => s + x * w1[j], 0) % 11);
    if (k1 === 11) k1 = 0;
    if (k1 === 10) continue;
    const w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    const d2 = [...d, k1];
    let k2 = 11 - (d2.reduce((s, x, j) => s + x * w2[j], 0) % 11);
    if (k2 === 11) k2 = 0;
    if (k2 === 10) continue;
    found.push(d2.join('') + k2);
  }
  return found[n];
}

/** A different person for every project and backend, so runs never collide. */
export function personFor(projectName: string, salt: number): { nationalId: string; email: string } {
  const n = (projectName.length * 7 + salt * 13 + (process.env.E2E_DATABASE_URL ? 50 : 0)) % 90;
  return {
    nationalId: nationalId('150590', n),
    email: `kari-${salt}-${projectName}-${process.env.E2E_DATABASE_URL ? 'pg' : 'lite'}@example.no`,
  };
}

export async function next(page: Page, to: RegExp | null) {
  await page.getByRole('button', { name: 'Lagre og gå videre' }).click();
  if (to) {
    await expect(page).toHaveURL(to);
  }
}

/** Ticks one answer of question `n` (the legend starts with "n. "). */
export async function answer(page: Page, n: number, label: string) {
  await page
    .getByRole('group', { name: new RegExp(`^${n}\\. `) })
    .getByLabel(label, { exact: true })
    .check();
}

export async function fillAbout(page: Page, person: { nationalId: string; email: string }) {
  await page.getByLabel('Fullt navn').fill('Kari Nordmann');
  await page.getByLabel('Fødselsnummer eller D-nummer').fill(person.nationalId);
  await page.getByLabel('Kommunen du bor i').selectOption('9901');
  await page.getByLabel('Mobilnummer').fill('912 34 567');
  await page.getByLabel('E-postadresse').fill(person.email);
  await page.getByLabel('SMS').check();
  await page.getByLabel('Morgen (8–11)').check();
  await page.getByRole('group', { name: 'Trenger du tolk?' }).getByLabel('Nei').check();
}
