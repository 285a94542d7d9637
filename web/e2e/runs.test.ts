// The page as a person uses it: the form, the live table, the live run page, cancel.

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { browserSession } from './session';

const session = browserSession();
const openPage = (path: string) => session.openPage(path);

async function fillForm(page: Page, user: string, environment: number, files: string[]) {
  await page.getByLabel('Your name').fill(user);
  await page.getByLabel('Test environment').selectOption(String(environment));
  for (const file of files) await page.locator(`input[data-path="${file}"]`).check();
}

describe('the web page', () => {
  it('creates a run through the form and shows it live to its end', async () => {
    const table = await openPage('/');
    const form = await openPage('/runs/new');
    await fillForm(form, 'ada', 5, ['slow/test_slow.py']);
    // A folder whose only file is selected is sent as the folder.
    await form.getByText('Selected: slow', { exact: true }).waitFor();
    await form.getByRole('button', { name: 'Start run' }).click();
    await form.waitForURL(/\/runs\/\d+$/);
    const id = Number(form.url().split('/').pop());

    // The run page shows log lines while the run is still running.
    await form.locator('.log-line', { hasText: 'step 1: second 1' }).waitFor();
    expect(await form.locator('.badge').first().textContent()).toBe('Running');
    await form.getByRole('progressbar').waitFor();

    // The table, opened before the run existed, shows it without a reload, then its end.
    const row = table.locator(`tr[data-run="${id}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('ada');
    await row.locator('[data-status="passed"]').waitFor({ timeout: 60_000 });
    await form.locator('h1 [data-status="passed"]').waitFor();
    expect(await form.locator('table.tests tbody tr').count()).toBe(5);
    await table.close();
    await form.close();
  });

  it('shows the busy environment with a link to the run holding it, and cancels that run', async () => {
    const holder = await session.service.api<{ id: number }>('/api/runs', {
      method: 'POST',
      body: JSON.stringify({ user: 'bob', environment: 9, paths: ['slow'] }),
    });
    expect(holder.status).toBe(201);
    const form = await openPage('/runs/new');
    await form.locator('input[data-path="math"]').waitFor();
    await fillForm(form, 'ada', 9, ['math/test_arithmetic.py']);
    await form.getByRole('button', { name: 'Start run' }).click();
    const busy = form.getByRole('alert').filter({ hasText: `held by run ${holder.body.id}` });
    await busy.waitFor();
    await busy.getByRole('link', { name: `Open run #${holder.body.id}` }).click();
    await form.waitForURL(new RegExp(`/runs/${holder.body.id}$`));

    await form.getByRole('button', { name: 'Cancel run' }).click();
    await form.locator('h1 [data-status="cancelled"]').waitFor();
    await form.close();
  });

  it('shows field errors from the API next to their fields', async () => {
    const form = await openPage('/runs/new');
    await form.locator('input[data-path="math"]').waitFor();
    await form.getByLabel('Your name').fill('   ');
    await form.getByRole('button', { name: 'Start run' }).click();
    const error = form.locator('#user-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('user');
    expect(await form.getByLabel('Your name').getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Your name').fill('ada');
    await form.getByRole('button', { name: 'Start run' }).click();
    await form.locator('.field-error', { hasText: 'at least one test' }).waitFor();
    await form.close();
  });

  it('says so when a run does not exist', async () => {
    const page = await openPage('/runs/999999');
    await page.getByRole('alert').filter({ hasText: 'There is no run #999999' }).waitFor();
    await page.close();
  });

  it('remembers the user name and filters the tree', async () => {
    const form = await openPage('/runs/new');
    expect(await form.getByLabel('Your name').inputValue()).toBe('ada');
    await form.getByLabel('Search tests').fill('strings');
    await form.locator('input[data-path="text/test_strings.py"]').waitFor();
    expect(await form.locator('input[data-path="math"]').count()).toBe(0);
    await form.locator('input[data-path="text"]').check();
    await form.getByText('Selected: text/test_strings.py').waitFor();
    await form.close();
  });
});
