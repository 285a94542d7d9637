// Screenshots of the pages in light and dark, for docs/ and the README
// (`npm run screenshots`; not part of the e2e run).

import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';

import type { Run } from '../src/lib/api';
import { launchBrowser } from './browser';
import { repoRoot, startService, type Service } from './service';

let service: Service;
/** A service of its own for test history, over a copy of the sample tests whose file it changes. */
let historyService: Service;
let historyTests: string;
let browser: Browser;

beforeAll(async () => {
  historyTests = mkdtempSync(join(tmpdir(), 'testbay-screenshots-'));
  cpSync(join(repoRoot, 'sample_tests'), historyTests, { recursive: true });
  [service, historyService, browser] = await Promise.all([startService(), startService({ testsRoot: historyTests }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await historyService?.stop();
  if (historyTests) rmSync(historyTests, { recursive: true, force: true });
});

it('takes screenshots of the pages', async () => {
  const send = (method: string, path: string, body: object) =>
    service.api<{ id: number }>(path, { method, body: JSON.stringify(body) });
  const post = (body: object) => send('POST', '/api/runs', body);
  await send('PUT', '/api/templates/nightly', {
    description: 'Everything but the slow tests, as the nightly build runs them',
    environment: 3,
    paths: ['math', 'text'],
    variables: { DB: 'sqlite' },
    timeout_s: 900,
  });
  await send('PUT', '/api/templates/smoke', { description: 'A quick check', environment: 4, paths: ['math/test_arithmetic.py'] });
  const finished = await post({ user: 'ada', template: 'nightly' });
  await post({ user: 'grace', template: 'smoke' });
  const waiting = await browser.newPage();
  await waiting.goto(`${service.url}/runs/${finished.body.id}`);
  await waiting.locator('h1 [data-status="failed"]').waitFor();
  await waiting.close();
  await send('POST', `/api/runs/${finished.body.id}/rerun`, { failed_only: true, user: 'grace' });
  const live = await post({ user: 'linus', environment: 7, paths: ['slow'] });
  const leaking = await post({ user: 'ada', environment: 8, paths: ['memory/test_report_cache.py'] });
  const out = join(repoRoot, 'docs/screenshots');
  mkdirSync(out, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: scheme });
    await page.goto(`${service.url}/runs/${finished.body.id}`);
    await page.locator('h1 [data-status="failed"]').waitFor();
    await page.goto(`${service.url}/runs/${live.body.id}`);
    await page.locator('.log-line', { hasText: 'step 2: second 1' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(out, `run-${scheme}.png`) });
    await page.goto(`${service.url}/`);
    await page.locator(`tr[data-run="${live.body.id}"]`).waitFor();
    await page.screenshot({ path: join(out, `runs-${scheme}.png`) });
    await page.goto(`${service.url}/runs/new`);
    await page.locator('input[data-path="math"]').check();
    await page.getByLabel('Your name').fill('ada');
    await page.screenshot({ path: join(out, `new-run-${scheme}.png`) });
    await page.goto(`${service.url}/templates`);
    await page.locator('tr[data-template="smoke"]').waitFor();
    await page.screenshot({ path: join(out, `templates-${scheme}.png`) });
    await page.goto(`${service.url}/runs/${leaking.body.id}`);
    await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 60_000 });
    await page.locator('figure.resource-chart canvas').waitFor();
    await page.getByRole('button', { name: /Memory growth/ }).click();
    await page.locator('figure.resource-chart').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(out, `memory-${scheme}.png`), fullPage: true });
    await page.close();
  }
});

const FLAKY = 'history/test_flaky_service.py::test_the_service_answers';

/** Runs `paths` in `environment` and waits for the run's end. */
async function finishedRun(environment: number, paths: string[], serviceDown = false): Promise<void> {
  const variables = serviceDown ? { SAMPLE_SERVICE_DOWN: '1' } : {};
  const created = await historyService.api<Run>('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ user: serviceDown ? 'grace' : 'ada', environment, paths, variables }),
  });
  for (;;) {
    const { status } = (await historyService.api<Run>(`/api/runs/${created.body.id}`)).body;
    if (status !== 'queued' && status !== 'running') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

it('takes screenshots of the test history pages', async () => {
  // Passes and failures of the same code (flaky), a change to the test's file, and an
  // environment where it fails now; the slow tests once, for the slowest list.
  await finishedRun(7, ['slow']);
  const downs = [false, false, true, false, true, true, false, false, false, true, false, false];
  for (const [index, serviceDown] of downs.entries()) {
    if (index === 8) appendFileSync(join(historyTests, 'history/test_flaky_service.py'), '\n# Retries the service once.\n');
    await finishedRun(3, ['history', 'math/test_arithmetic.py'], serviceDown);
  }
  for (const serviceDown of [false, false, true, true]) await finishedRun(5, ['history'], serviceDown);
  const out = join(repoRoot, 'docs/screenshots');
  mkdirSync(out, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, colorScheme: scheme });
    await page.goto(`${historyService.url}/tests/history?node_id=${encodeURIComponent(FLAKY)}`);
    await page.locator('figure.duration-chart canvas').waitFor();
    // Down to the first results: the rest of the table is more of the same.
    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.screenshot({ path: join(out, `test-history-${scheme}.png`) });
    await page.goto(`${historyService.url}/tests`);
    await page.locator(`table.flaky-tests tr[data-node="${FLAKY}"]`).waitFor();
    await page.locator('table.slow-tests').waitFor();
    await page.screenshot({ path: join(out, `tests-${scheme}.png`), fullPage: true });
    await page.close();
  }
});
