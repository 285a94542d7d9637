// A run of the leaking sample: its page draws memory rising against the limit (live, then
// whole), and sorting the tests by memory growth puts the leaking test first.

import { expect, it } from 'vitest';

import type { Run } from '../src/lib/api';
import { browserSession } from './session';

const session = browserSession();
const LEAKING = 'memory/test_report_cache.py::test_reports_are_cached_forever';

it('charts a leaking run and points at the test that grew memory', async () => {
  const created = await session.service.api<Run>('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ user: 'ada', environment: 41, paths: ['memory/test_report_cache.py'] }),
  });
  expect(created.status).toBe(201);
  const page = await session.openPage(`/runs/${created.body.id}`);

  // uPlot draws on a canvas inside the chart once there are two samples, while the run runs.
  const chart = page.locator('figure.resource-chart');
  await chart.locator('canvas').waitFor({ timeout: 30_000 });
  await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 60_000 });
  await expect.poll(async () => chart.locator('figcaption').textContent(), { timeout: 10_000 }).toMatch(/peak \d+(\.\d+)? MiB of 2(\.0+)? GiB,\s+sampled every second/);
  const points = Number(/\((\d+) points\)/.exec((await chart.locator('figcaption').textContent()) ?? '')?.[1]);
  expect(points).toBeGreaterThanOrEqual(4);
  // Far below its limit, the run is drawn zoomed to what it used; the limit's line is a click away.
  await chart.getByRole('button', { name: 'Show against the limit' }).click();
  await chart.getByRole('button', { name: 'Zoom to the memory used' }).waitFor();
  await chart.locator('canvas').waitFor();

  const firstTest = () => page.locator('table.tests tbody tr').first().getAttribute('data-node');
  expect(await firstTest()).not.toBe(LEAKING);
  await page.getByRole('button', { name: /Memory growth/ }).click();
  expect(await firstTest()).toBe(LEAKING);
  const growth = await page.locator(`table.tests tr[data-node="${LEAKING}"] td.memory-growth`).textContent();
  expect(Number(/\+(\d+(\.\d)?) MiB/.exec(growth ?? '')?.[1])).toBeGreaterThan(40);
  await page.close();
});

it('shows memray figures of a memory-profiled run per test', async () => {
  const created = await session.service.api<Run>('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ user: 'ada', environment: 42, paths: ['memory/test_report_cache.py'], profile: 'memory' }),
  });
  expect(created.status).toBe(201);
  const page = await session.openPage(`/runs/${created.body.id}`);
  await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 90_000 });
  await page.locator('.summary', { hasText: 'memory (memray)' }).waitFor();
  const row = page.locator(`table.tests tr[data-node="${LEAKING}"]`);
  await row.locator('summary').click();
  const figures = await row.locator('.memray').textContent();
  expect(figures).toMatch(/memray: \d+(\.\d+)? MiB at the high-water mark/);
  expect(figures).toContain('render:memory/test_report_cache.py:');
  await page.close();
});
