// "Notify me when it ends": once asked, the browser shows one notification when the user's
// run ends, naming its outcome, from its page or from the runs list; reopening the page does
// not tell it again, and other users' runs are not told.

import { expect, it } from 'vitest';

import type { Run } from '../src/lib/api';
import { browserSession } from './session';

const session = browserSession();

it('notifies once when a run the user started ends', async () => {
  const created = await session.service.api<Run>('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ user: 'ada', environment: 43, paths: ['slow/test_slow.py'] }),
  });
  expect(created.status).toBe(201);
  const page = await session.openPage('/');
  await page.context().grantPermissions(['notifications'], { origin: session.service.url });
  // The notifications shown, recorded (headless Chromium shows none).
  await page.context().addInitScript(() => {
    const shown: { title: string; body?: string }[] = JSON.parse(sessionStorage.getItem('shown') ?? '[]');
    class Recorded {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      constructor(title: string, options?: { body?: string }) {
        shown.push({ title, body: options?.body });
        sessionStorage.setItem('shown', JSON.stringify(shown));
      }
    }
    Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true });
  });
  await page.evaluate(() => localStorage.setItem('testbay.user', 'ada'));
  await page.goto(`${session.service.url}/runs/${created.body.id}`);
  await page.getByRole('button', { name: 'Notify me when it ends' }).click();
  await page.getByRole('button', { name: 'Notifying when it ends' }).waitFor();
  await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 60_000 });
  const shown = async () => JSON.parse((await page.evaluate(() => sessionStorage.getItem('shown'))) ?? '[]');
  await expect.poll(shown).toEqual([{ title: `Run #${created.body.id} passed`, body: '5 passed in environment 43' }]);

  await page.reload();
  await page.locator('h1 [data-status="passed"]').waitFor();
  await page.waitForTimeout(500);
  expect(await shown()).toHaveLength(1);

  // The runs list tells too, of a run whose page is not open; someone else's run is not told.
  await page.goto(`${session.service.url}/`);
  const start = (user: string) =>
    session.service.api<Run>('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ user, environment: 44, paths: ['math/test_arithmetic.py'] }),
    });
  const theirs = await start('grace');
  await page.locator(`tr[data-run="${theirs.body.id}"] [data-status="passed"]`).waitFor({ timeout: 60_000 });
  const mine = await start('ada');
  await page.locator(`tr[data-run="${mine.body.id}"] [data-status="passed"]`).waitFor({ timeout: 60_000 });
  await expect.poll(async () => (await shown()).map((n: { title: string }) => n.title)).toEqual([
    `Run #${created.body.id} passed`,
    `Run #${mine.body.id} passed`,
  ]);
  await page.close();
});
