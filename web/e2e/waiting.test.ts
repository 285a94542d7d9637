// Waiting in line for a held environment, as a person does it: tick the new-run form's box (or
// take the offer when the service refuses a busy environment), see the run's place in line and
// the run holding the environment on the run page, the Environments page and the runs list, and
// the run start once the holder ends. The tests are the misbehaving fixtures: `test_wait.py` holds
// its environment until cancelled, `test_quick.py` passes at once.

import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import type { Run, SystemInfo } from '../src/lib/api';
import { repoRoot } from './service';
import { browserSession } from './session';

const session = browserSession({ testsRoot: join(repoRoot, 'testbay/tests/fixtures/misbehaving') });
const openPage = (path: string) => session.openPage(path);

const HOLDS = 'test_wait.py';
const QUICK = 'test_quick.py';
const WAIT_BOX = 'If the environment is busy, wait in line for it';

async function createRun(body: object): Promise<Run> {
  const created = await session.service.api<Run>('/api/runs', { method: 'POST', body: JSON.stringify(body) });
  expect(created.status).toBe(201);
  return created.body;
}

async function cancel(id: number) {
  expect((await session.service.api<Run>(`/api/runs/${id}/cancel`, { method: 'POST' })).status).toBe(200);
}

const getRun = async (id: number) => (await session.service.api<Run>(`/api/runs/${id}`)).body;
const runIdOf = (page: Page) => Number(page.url().split('/').pop());
/** The run page's line telling where the run waits in line. */
const waitingLine = (page: Page, text: string) => page.locator('.waiting-line', { hasText: text });

/** Fills the new-run form for `test_quick.py` in `environment`, once the tree has loaded. */
async function fillForm(page: Page, environment: number) {
  await page.locator(`input[data-path="${QUICK}"]`).waitFor();
  await page.getByLabel('Your name').fill('ada');
  await page.getByLabel('Test environment').selectOption(String(environment));
  await page.locator(`input[data-path="${QUICK}"]`).check();
}

describe('waiting in line for an environment', () => {
  it('waits in line from the new-run form, shows its place everywhere and runs once the holder ends', async () => {
    const holder = await createRun({ user: 'bob', environment: 7, paths: [HOLDS] });
    const page = await openPage('/runs/new');
    await fillForm(page, 7);
    // The picker says who holds the environment.
    const option = page.locator('#environment option', { hasText: `busy: run #${holder.id}` });
    expect(await option.textContent()).toBe(`7 — busy: run #${holder.id}`);
    expect(await page.getByLabel(WAIT_BOX).isChecked()).toBe(false);
    await page.getByLabel(WAIT_BOX).check();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/runs\/\d+$/);
    const id = runIdOf(page);
    expect(await getRun(id)).toMatchObject({
      status: 'queued',
      waiting_for_environment: true,
      line_position: 1,
      node: null,
      user: 'ada',
      environment: 7,
      paths: [QUICK],
    });

    // The run page: its place in line and the holder, linked; no node has it yet.
    const line = waitingLine(page, `Waiting in line for environment 7 (#1), held by run ${holder.id}.`);
    await line.waitFor();
    expect(await line.getByRole('link', { name: `run ${holder.id}`, exact: true }).getAttribute('href')).toBe(`/runs/${holder.id}`);
    await page.locator('h1 [data-status="queued"]').waitFor();
    expect(await page.locator('dd.run-node').textContent()).toBe('not yet claimed by a node');
    expect(await page.getByText('Waiting for a free slot').count()).toBe(0);

    // The Environments page: the holder, then the line, and how many wait.
    const environments = await openPage('/environments');
    const seven = environments.locator('li[data-environment="7"]');
    await seven.getByRole('link', { name: `#${id}`, exact: true }).waitFor();
    expect(await seven.getByRole('link', { name: `run #${holder.id}`, exact: true }).getAttribute('href')).toBe(`/runs/${holder.id}`);
    expect(await seven.getByRole('link', { name: `#${id}`, exact: true }).getAttribute('href')).toBe(`/runs/${id}`);
    expect(await seven.locator('.env-line').textContent()).toBe(`then #${id}`);
    expect(await seven.locator('.env-waiting').textContent()).toBe('1 waiting');
    expect(await environments.locator('.page-head').textContent()).toContain('1 of 100 held · 1 run waits in line');

    // The runs list: its place in line where a queued run's place in the queue would be.
    const list = await openPage('/');
    const row = list.locator(`tr[data-run="${id}"]`);
    await row.locator('.queue-note').waitFor();
    expect((await row.locator('.queue-note').textContent())?.trim()).toBe('#1 in line for env 7');

    // The holder ends: the run takes the environment, runs on this node and passes.
    await cancel(holder.id);
    await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('.waiting-line').count()).toBe(0);
    const system = (await session.service.api<SystemInfo>('/api/system')).body;
    expect(await page.locator('dd.run-node').textContent()).toBe(system.node);
    await row.locator('[data-status="passed"]').waitFor();
    expect(await row.locator('.queue-note').count()).toBe(0);
    await seven.locator('.env-line').waitFor({ state: 'detached' });
    await seven.getByText('free').waitFor();
    for (const opened of [page, environments, list]) await opened.close();
  });

  it('offers to wait in line when the service refuses a busy environment, for a new run and for a rerun', async () => {
    const holder = await createRun({ user: 'bob', environment: 8, paths: [HOLDS] });
    const page = await openPage('/runs/new');
    await fillForm(page, 8);
    await page.getByLabel('Variables').fill('GREETING=hello');
    await page.getByRole('button', { name: 'Start run' }).click();
    const busy = page.getByRole('alert').filter({ hasText: `held by run ${holder.id}` });
    await busy.waitFor();
    // The API's hint for scripts is left out: the page has a button for it.
    expect(await busy.textContent()).not.toContain('wait_for_environment');
    await busy.getByRole('link', { name: `Open run #${holder.id}` }).waitFor();
    await busy.getByRole('button', { name: 'Wait in line instead' }).click();
    await page.waitForURL(/\/runs\/\d+$/);
    const first = runIdOf(page);
    // The same request, waiting.
    expect(await getRun(first)).toMatchObject({
      status: 'queued',
      waiting_for_environment: true,
      user: 'ada',
      environment: 8,
      paths: [QUICK],
      variables: { GREETING: 'hello' },
    });
    await waitingLine(page, `Waiting in line for environment 8 (#1), held by run ${holder.id}.`).waitFor();

    // Run again is refused too while the holder holds it, and may wait in line behind the first.
    await page.getByRole('button', { name: 'Run again' }).click();
    const refused = page.getByRole('alert').filter({ hasText: `held by run ${holder.id}` });
    await refused.waitFor();
    expect(await refused.textContent()).not.toContain('wait_for_environment');
    await refused.getByRole('button', { name: 'Wait in line instead' }).click();
    await page.waitForURL((url) => url.pathname !== `/runs/${first}`);
    const second = runIdOf(page);
    expect(await getRun(second)).toMatchObject({ rerun_of: first, environment: 8, waiting_for_environment: true, line_position: 2 });
    await waitingLine(page, `Waiting in line for environment 8 (#2), held by run ${holder.id}.`).waitFor();

    // The holder ends: both run, one after the other.
    await cancel(holder.id);
    await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 60_000 });
    expect((await getRun(first)).status).toBe('passed');
    await page.close();
  });

  it('follows the line on the run page as the runs before it end', async () => {
    const holder = await createRun({ user: 'bob', environment: 9, paths: [HOLDS] });
    const next = await createRun({ user: 'carol', environment: 9, paths: [HOLDS], wait_for_environment: true });
    const run = await createRun({ user: 'ada', environment: 9, paths: [QUICK], wait_for_environment: true });
    expect([next.line_position, run.line_position]).toEqual([1, 2]);
    const page = await openPage(`/runs/${run.id}`);
    await waitingLine(page, `Waiting in line for environment 9 (#2), held by run ${holder.id}.`).waitFor();

    // Nothing about this run changes when the holder ends; the page follows the line all the same.
    await cancel(holder.id);
    const moved = waitingLine(page, `Waiting in line for environment 9 (#1), held by run ${next.id}.`);
    await moved.waitFor();
    expect(await moved.getByRole('link', { name: `run ${next.id}`, exact: true }).getAttribute('href')).toBe(`/runs/${next.id}`);

    await cancel(next.id);
    await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 60_000 });
    await page.close();
  });
});
