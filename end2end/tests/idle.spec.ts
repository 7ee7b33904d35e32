import { test, expect, waitForHydration } from './fixtures';
import { logIn } from './accounts';

test('a signed-in person is warned before an idle session ends, and may stay', async ({
  page,
  hydrated,
  expectAccessible,
}) => {
  test.skip(!hydrated, 'the warning is a timer in the page: it needs JavaScript');
  await page.clock.install();
  await page.goto('/login');
  await waitForHydration(page);
  await logIn(page, 'innbygger@demo.example', 'demo-passord-innbygger');
  await expect(page.getByRole('heading', { name: 'Kari Nordmann' })).toBeVisible();
  // The warning's timers are set as the page wakes; the clock may only move after that.
  await waitForHydration(page);

  const dialog = page.getByRole('alertdialog', { name: 'Du blir snart logget ut' });
  await page.clock.fastForward('50:00');
  await expect(dialog).toBeHidden();
  // A citizen's session lapses after 60 idle minutes; the warning comes 2 minutes before.
  await page.clock.fastForward('08:30');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Fortsett å være logget inn' })).toBeFocused();
  await expectAccessible();

  await dialog.getByRole('button', { name: 'Fortsett å være logget inn' }).click();
  await expect(dialog).toBeHidden();
});
