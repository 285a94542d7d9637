// Templates and reruns as a person uses them: save a template from the form, start a run from
// it, run a failed run's failed tests again, run again into a busy environment, delete.

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import type { Run, Template, TestResult } from '../src/lib/api';
import { browserSession } from './session';

const session = browserSession();
const openPage = (path: string) => session.openPage(path);

async function createRun(body: object): Promise<Run> {
  const created = await session.service.api<Run>('/api/runs', { method: 'POST', body: JSON.stringify(body) });
  expect(created.status).toBe(201);
  return created.body;
}

const getRun = async (id: number) => (await session.service.api<Run>(`/api/runs/${id}`)).body;
const getTests = async (id: number) => (await session.service.api<{ items: TestResult[] }>(`/api/runs/${id}/tests`)).body.items;
const runIdOf = (page: Page) => Number(page.url().split('/').pop());

describe('templates and reruns', () => {
  it('saves a template from the new-run form, starts a run from it and shows it in the runs table', async () => {
    const form = await openPage('/runs/new');
    await form.locator('input[data-path="math/test_arithmetic.py"]').waitFor();
    await form.getByLabel('Your name').fill('ada');
    await form.getByLabel('Test environment').selectOption('21');
    await form.locator('input[data-path="math/test_arithmetic.py"]').check();
    await form.getByLabel('Variables').fill('GREETING=hello world\nLEVEL=debug');
    await form.getByLabel('Timeout in seconds').fill('120');

    // A name the service refuses: its message shows next to the name.
    await form.getByRole('button', { name: 'Save as template…' }).click();
    await form.getByLabel('Template name', { exact: true }).fill('not a name');
    await form.getByRole('button', { name: 'Save template' }).click();
    await form.locator('#template-name-error', { hasText: 'name' }).waitFor();
    expect(await form.getByLabel('Template name', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Template name', { exact: true }).fill('arithmetic');
    await form.getByLabel('Description').fill('The quick ones');
    await form.getByRole('button', { name: 'Save template' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved the template arithmetic' }).waitFor();
    const saved = await session.service.api<Template>('/api/templates/arithmetic');
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      description: 'The quick ones',
      environment: 21,
      paths: ['math/test_arithmetic.py'],
      variables: { GREETING: 'hello world', LEVEL: 'debug' },
      timeout_s: 120,
    });
    await form.close();

    // The Templates page starts a run from it: the form is filled in from the template.
    const page = await openPage('/templates');
    await page.getByRole('link', { name: 'Start a run from arithmetic' }).click();
    await page.waitForURL(/\/runs\/new\?template=arithmetic$/);
    await page.locator('input[data-path="math/test_arithmetic.py"]:checked').waitFor();
    expect(await page.getByLabel('Template', { exact: true }).inputValue()).toBe('arithmetic');
    expect(await page.getByLabel('Test environment').inputValue()).toBe('21');
    expect(await page.getByLabel('Variables').inputValue()).toBe('GREETING=hello world\nLEVEL=debug');
    expect(await page.getByLabel('Timeout in seconds').inputValue()).toBe('120');
    expect(await page.locator('input[data-path="text"]').isChecked()).toBe(false);
    await page.getByLabel('Your name').fill('ada');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/runs\/\d+$/);
    const id = runIdOf(page);
    const run = await getRun(id);
    expect(run).toMatchObject({
      template: 'arithmetic',
      environment: 21,
      paths: ['math/test_arithmetic.py'],
      variables: { GREETING: 'hello world', LEVEL: 'debug' },
      limits: { timeout_s: 120 },
    });
    await page.locator('.summary dd .tag', { hasText: 'arithmetic' }).waitFor();

    // The runs table tags the run with its template; the tag lists the template's runs.
    const other = await createRun({ user: 'bob', environment: 22, paths: ['text/test_strings.py'] });
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    const row = page.locator(`tr[data-run="${id}"]`);
    await row.waitFor();
    await page.locator(`tr[data-run="${other.id}"]`).waitFor();
    await row.getByRole('link', { name: 'arithmetic' }).click();
    await page.waitForURL(/\/\?template=arithmetic$/);
    expect(await page.getByLabel('Template').inputValue()).toBe('arithmetic');
    await page.locator(`tr[data-run="${other.id}"]`).waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').count()).toBe(1);

    // The filter is in the URL, so the filtered list can be opened directly.
    const filtered = await openPage('/?template=nothing-here');
    await filtered.getByText('No runs yet.').waitFor();
    await filtered.close();

    // Clearing the template, the run no longer remembers it.
    await page.goto(`${session.service.url}/new?template=arithmetic`);
    await page.locator('input[data-path="math/test_arithmetic.py"]:checked').waitFor();
    await page.getByLabel('Template', { exact: true }).selectOption('');
    await page.getByLabel('Test environment').selectOption('23');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/runs\/\d+$/);
    expect(await getRun(runIdOf(page))).toMatchObject({ template: null, environment: 23, paths: ['math/test_arithmetic.py'] });
    await page.close();
  });

  it('says so when the template in the address does not exist', async () => {
    const page = await openPage('/new?template=nope');
    await page.locator('#template-error', { hasText: 'There is no template named nope' }).waitFor();
    await page.close();
  });

  it('runs the failed tests of a failed run again, and only those', async () => {
    const failed = await createRun({ user: 'bob', environment: 31, paths: ['math'] });
    const page = await openPage(`/runs/${failed.id}`);
    await page.locator('h1 [data-status="failed"]').waitFor({ timeout: 60_000 });
    const unsuccessful = (await getTests(failed.id)).filter((t) => t.outcome === 'failed' || t.outcome === 'error');
    const failedIds = [...new Set(unsuccessful.map((t) => t.node_id))];
    expect(failedIds.sort()).toEqual([
      'math/test_broken.py::test_needs_a_database',
      'math/test_broken.py::test_passes_but_teardown_fails',
      'math/test_broken.py::test_wrong_answer',
    ]);

    await page.getByRole('button', { name: 'Run failed tests again' }).click();
    await page.waitForURL((url) => url.pathname !== `/runs/${failed.id}`);
    const id = runIdOf(page);
    const rerun = await getRun(id);
    expect([...rerun.paths].sort()).toEqual(failedIds);
    expect(rerun).toMatchObject({ rerun_of: failed.id, environment: 31, user: 'ada' });
    await page.getByRole('link', { name: `run #${failed.id}` }).waitFor();

    await page.locator('h1 [data-status="failed"]').waitFor({ timeout: 60_000 });
    const results = await getTests(id);
    expect([...new Set(results.map((t) => t.node_id))].sort()).toEqual(failedIds);
    expect(results.map((t) => `${t.node_id.split('::')[1]} ${t.phase} ${t.outcome}`).sort()).toEqual([
      'test_needs_a_database setup error',
      'test_passes_but_teardown_fails call passed',
      'test_passes_but_teardown_fails teardown error',
      'test_wrong_answer call failed',
    ]);
    expect(await page.locator('table.tests tbody tr').count()).toBe(4);

    // The runs table says what it reruns.
    await page.getByRole('link', { name: 'Runs', exact: true }).click();
    await page.locator(`tr[data-run="${id}"] .rerun-of`, { hasText: `rerun of #${failed.id}` }).waitFor();
    await page.close();
  });

  it('runs a run again, says when its environment is busy, downloads JUnit XML and saves the run as a template', async () => {
    const passed = await createRun({ user: 'carol', environment: 41, paths: ['math/test_arithmetic.py'] });
    const page = await openPage(`/runs/${passed.id}`);
    await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 60_000 });
    // Nothing failed, so there is nothing to run again by itself.
    expect(await page.getByRole('button', { name: 'Run failed tests again' }).count()).toBe(0);

    const junit = page.getByRole('link', { name: 'JUnit XML' });
    const response = await fetch(session.service.url + (await junit.getAttribute('href')));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<testsuite');

    const holder = await createRun({ user: 'dave', environment: 41, paths: ['slow'] });
    await page.getByRole('button', { name: 'Run again' }).click();
    const busy = page.getByRole('alert').filter({ hasText: `held by run ${holder.id}` });
    await busy.waitFor();
    expect(page.url()).toBe(`${session.service.url}/runs/${passed.id}`);

    await page.getByRole('button', { name: 'Save as template…' }).click();
    await page.getByLabel('Template name', { exact: true }).fill('from-run');
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the template from-run' }).waitFor();
    expect((await session.service.api<Template>('/api/templates/from-run')).body).toMatchObject({
      environment: 41,
      paths: ['math/test_arithmetic.py'],
      timeout_s: passed.limits.timeout_s,
    });

    await busy.getByRole('link', { name: `Open run #${holder.id}` }).click();
    await page.waitForURL(new RegExp(`/runs/${holder.id}$`));
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await page.locator('h1 [data-status="cancelled"]').waitFor();

    // With the environment free again, "Run again" starts the same run.
    await page.goto(`${session.service.url}/runs/${passed.id}`);
    await page.getByRole('button', { name: 'Run again' }).click();
    await page.waitForURL((url) => url.pathname !== `/runs/${passed.id}`);
    expect(await getRun(runIdOf(page))).toMatchObject({
      rerun_of: passed.id,
      environment: 41,
      paths: ['math/test_arithmetic.py'],
    });
    await page.close();
  });

  it('deletes a template on the Templates page, after a confirmation', async () => {
    const put = await session.service.api<Template>('/api/templates/to-delete', {
      method: 'PUT',
      body: JSON.stringify({ environment: 5, paths: ['text'], description: 'Soon gone' }),
    });
    expect(put.status).toBe(201);
    const page = await openPage('/templates');
    const row = page.locator('tr[data-template="to-delete"]');
    await row.getByText('Soon gone').waitFor();

    await row.getByRole('button', { name: 'Delete to-delete' }).click();
    await row.getByRole('button', { name: 'Keep' }).click();
    expect((await session.service.api('/api/templates/to-delete')).status).toBe(200);

    await row.getByRole('button', { name: 'Delete to-delete' }).click();
    const confirm = row.getByRole('button', { name: 'Yes, delete' });
    // The confirmation takes the focus, so the keyboard confirms it too.
    expect(await confirm.evaluate((button) => button === document.activeElement)).toBe(true);
    await confirm.click();
    await row.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Deleted the template to-delete' }).waitFor();
    expect((await session.service.api('/api/templates/to-delete')).status).toBe(404);

    // With none left, the page says how to make one.
    for (const name of ['arithmetic', 'from-run']) {
      expect((await session.service.api(`/api/templates/${name}`, { method: 'DELETE' })).status).toBe(204);
    }
    await page.reload();
    await page.getByRole('heading', { name: 'No templates yet' }).waitFor();
    await page.getByText('Save as template').first().waitFor();
    await page.close();
  });
});
