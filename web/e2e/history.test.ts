// Test history as a person reads it: a test that passes, fails twice and passes again on the same
// code is listed as flaky, its history page shows those four results, the runs' pages mark its
// failures new, still failing and flaky, and a changed test file is marked on its strip.

import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Run } from '../src/lib/api';
import { repoRoot } from './service';
import { browserSession } from './session';

const FLAKY = 'history/test_flaky_service.py::test_the_service_answers';
const STEADY = 'history/test_flaky_service.py::test_arithmetic_still_works';
const ENVIRONMENT = 61;

// A copy of the sample tests, so that the last test can change the file.
const testsRoot = mkdtempSync(join(tmpdir(), 'testbay-history-tests-'));
cpSync(join(repoRoot, 'sample_tests/history'), join(testsRoot, 'history'), { recursive: true });
afterAll(() => rmSync(testsRoot, { recursive: true, force: true }));

const session = browserSession({ testsRoot });
const openPage = (path: string) => session.openPage(path);

/** A run of the sample file, its service down or not, once it has ended. */
async function finishedRun(serviceDown: boolean): Promise<Run> {
  const created = await session.service.api<Run>('/api/runs', {
    method: 'POST',
    body: JSON.stringify({
      user: 'ada',
      environment: ENVIRONMENT,
      paths: ['history/test_flaky_service.py'],
      variables: serviceDown ? { SAMPLE_SERVICE_DOWN: '1' } : {},
    }),
  });
  expect(created.status).toBe(201);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const run = (await session.service.api<Run>(`/api/runs/${created.body.id}`)).body;
    if (run.status !== 'queued' && run.status !== 'running') {
      expect(run.status).toBe(serviceDown ? 'failed' : 'passed');
      return run;
    }
    if (Date.now() > deadline) throw new Error(`run ${run.id} did not end within a minute`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const historyPath = (nodeId: string) => `/tests/history?node_id=${encodeURIComponent(nodeId)}`;
const stripOutcomes = (page: Page) =>
  page.getByRole('list', { name: /^Outcomes of the last/ }).getByRole('link').evaluateAll((links) => links.map((l) => l.getAttribute('data-outcome')));
const testRow = (page: Page, nodeId: string) => page.locator(`table.tests tr[data-node="${nodeId}"]`);

let runs: Run[] = [];

beforeAll(async () => {
  for (const serviceDown of [false, true, true, false]) runs.push(await finishedRun(serviceDown));
});

describe('test history', () => {
  it('lists the test that flipped on unchanged code as flaky, and not its steady neighbour', async () => {
    const page = await openPage('/tests');
    const flaky = page.getByRole('table', { name: 'Flaky tests' });
    const row = flaky.locator(`tr[data-node="${FLAKY}"]`);
    await row.waitFor();
    expect(await row.locator('td.flip-rate').textContent()).toBe('67 %');
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('2 in 4 verdicts');
    expect(await row.getByRole('link', { name: `run #${runs[3]!.id}` }).count()).toBe(1);
    expect(await row.getByRole('cell').nth(4).textContent()).toBe(String(ENVIRONMENT));
    expect(await flaky.locator(`tr[data-node="${STEADY}"]`).count()).toBe(0);
    expect(await flaky.locator('tbody tr').count()).toBe(1);

    // The steady one is among the slowest, which list every test that passed.
    await page.getByRole('table', { name: 'Slowest tests' }).locator(`tr[data-node="${STEADY}"]`).waitFor();
    await page.close();
  });

  it("shows the test's four results oldest first and its record in the environment", async () => {
    const page = await openPage(historyPath(FLAKY));
    await page.getByRole('heading', { level: 1, name: FLAKY }).waitFor();
    await page.getByRole('list', { name: 'Outcomes of the last 4 results, oldest first' }).waitFor();
    expect(await stripOutcomes(page)).toEqual(['passed', 'failed', 'failed', 'passed']);
    const cells = page.getByRole('list', { name: /^Outcomes/ }).getByRole('link');
    expect(await cells.evaluateAll((links) => links.map((l) => l.getAttribute('href')))).toEqual(runs.map((r) => `/runs/${r.id}`));

    const environment = page.getByRole('table', { name: 'Environments' }).locator(`tr[data-environment="${ENVIRONMENT}"]`);
    expect(await environment.getByRole('cell').nth(0).textContent()).toBe('4');
    expect(await environment.getByRole('cell').nth(1).textContent()).toBe('2');
    await environment.locator('.badge', { hasText: 'flaky' }).waitFor();
    expect(await page.locator('.test-facts').textContent()).toContain(`run #${runs[1]!.id} in environment ${ENVIRONMENT}`);
    expect(await page.getByRole('table', { name: 'Results' }).locator('tbody tr').count()).toBe(4);
    await page.close();
  });

  it("marks the first failure new and the second still failing and flaky, and counts them", async () => {
    const [, second, third, fourth] = runs;
    const page = await openPage(`/runs/${second!.id}`);
    const secondRow = testRow(page, FLAKY);
    await secondRow.locator('.badge', { hasText: 'new' }).waitFor();
    expect(await secondRow.locator('.badge').allTextContents()).toEqual(['new', 'flaky']);
    expect(await page.locator('.failure-changes').textContent()).toBe('1 new failure');
    expect(await testRow(page, STEADY).locator('.badge').count()).toBe(0);

    await page.goto(`${session.service.url}/runs/${third!.id}`);
    await testRow(page, FLAKY).locator('.badge', { hasText: 'still failing' }).waitFor();
    expect(await testRow(page, FLAKY).locator('.badge').allTextContents()).toEqual(['still failing', 'flaky']);
    expect(await page.locator('.failure-changes').textContent()).toBe('1 still failing');

    await page.goto(`${session.service.url}/runs/${fourth!.id}`);
    await testRow(page, FLAKY).locator('.badge', { hasText: 'fixed' }).waitFor();
    expect(await page.locator('.failure-changes').textContent()).toBe('1 fixed');

    // The runs table counts the new failure, on its run only.
    await page.goto(`${session.service.url}/`);
    await page.locator(`tr[data-run="${second!.id}"] .badge`, { hasText: '1 new' }).waitFor();
    expect(await page.locator(`tr[data-run="${third!.id}"] td.counts .badge`).count()).toBe(0);
    await page.close();
  });

  it("opens a test's history from a run's tests table", async () => {
    const page = await openPage(`/runs/${runs[2]!.id}`);
    await testRow(page, FLAKY).getByRole('link', { name: FLAKY }).click();
    await page.waitForURL((url) => url.pathname === '/tests/history' && url.searchParams.get('node_id') === FLAKY);
    expect(new URL(page.url()).searchParams.get('environment')).toBe(String(ENVIRONMENT));
    await page.getByRole('heading', { level: 1, name: FLAKY }).waitFor();
    await page.getByRole('list', { name: 'Outcomes of the last 4 results, oldest first' }).waitFor();
    expect(await page.getByRole('combobox', { name: /^Environment/ }).inputValue()).toBe(String(ENVIRONMENT));
    await page.close();
  });

  it('marks where the test file changed on the strip', async () => {
    appendFileSync(join(testsRoot, 'history/test_flaky_service.py'), '\n# The file changes: its next result is of other code.\n');
    const changed = await finishedRun(false);
    const page = await openPage(historyPath(FLAKY));
    await page.getByRole('list', { name: 'Outcomes of the last 5 results, oldest first' }).waitFor();
    const marked = await page
      .getByRole('list', { name: /^Outcomes/ })
      .getByRole('listitem')
      .evaluateAll((items) => items.map((item) => item.textContent?.includes('file changed') ?? false));
    expect(marked).toEqual([false, false, false, false, true]);
    await page.locator(`a[href="/runs/${changed.id}"][title*="file changed since the result before"]`).waitFor();
    await page.close();
  });
});
