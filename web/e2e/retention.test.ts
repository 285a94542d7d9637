// A log the retention setting removed: the run page says so, and when and why, in place of the
// log; the run's results stay. The footer tells the setting and what the database takes.

import { expect, it } from 'vitest';

import type { Run } from '../src/lib/api';
import { browserSession } from './session';

// Keep the newest run's log only, and look every second.
const session = browserSession({ args: ['--keep-logs', '1', '--retention-interval-s', '1'] });

async function finishedRun(environment: number): Promise<Run> {
  const created = await session.service.api<Run>('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ user: 'ada', environment, paths: ['math/test_arithmetic.py'] }),
  });
  expect(created.status).toBe(201);
  let run = created.body;
  for (let waited = 0; run.finished_at === null && waited < 90_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    run = (await session.service.api<Run>(`/api/runs/${run.id}`)).body;
  }
  expect(run.status).toBe('passed');
  return run;
}

it('says on the run page that its log was removed, when, and by which setting', async () => {
  const older = await finishedRun(31);
  await finishedRun(31);
  await expect
    .poll(async () => (await session.service.api<Run>(`/api/runs/${older.id}`)).body.log_pruned_at, { timeout: 20_000 })
    .not.toBeNull();

  const page = await session.openPage(`/runs/${older.id}`);
  const notice = page.getByRole('status').filter({ hasText: "This run's log was removed on" });
  await notice.waitFor();
  expect(await notice.textContent()).toMatch(
    /This run's log was removed on .+ by the retention setting \(logs are kept 90 days or the newest 1\)\. Its test results and summary are kept\./,
  );
  expect(await page.getByRole('log').count()).toBe(0);
  // The results stay: they load after the run itself.
  await page.locator('table.tests tbody tr').first().waitFor();
  await page.locator('.system-facts', { hasText: /Database: .+ on disk · runs are kept 365 days, logs 90 days or the newest 1/ }).waitFor();
  await page.locator('.summary', { hasText: 'Stored' }).waitFor();
  await page.close();
});
