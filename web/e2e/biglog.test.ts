// A 300,000-line log renders and scrolls with a bounded number of rows in the page, its search
// finds text in the whole log, and a line's link opens the page at that line.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { launchBrowser } from './browser';
import { startService, type Service } from './service';

let service: Service;
let browser: Browser;

beforeAll(async () => {
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
  [service, browser] = await Promise.all([startService({ testsRoot: fixtures }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

it('renders a 300,000-line log with a bounded number of rows', async () => {
  const created = await service.api<{ id: number }>('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ user: 'ada', environment: 1, paths: ['test_big_log.py'] }),
  });
  expect(created.status).toBe(201);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${service.url}/runs/${created.body.id}`);
  await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 90_000 });
  await page.locator('.log-toolbar', { hasText: /30\d,\d{3} lines/ }).waitFor({ timeout: 90_000 });

  const rows = () => page.locator('.log-line').count();
  expect(await rows()).toBeLessThan(200);

  // Scroll to the middle: the lines there are rendered, and still only a window of them.
  const log = page.getByRole('log');
  await log.evaluate((element) => {
    element.scrollTop = element.scrollHeight / 2;
    element.dispatchEvent(new Event('scroll'));
  });
  await page.locator('.log-line', { hasText: /log line 1[45]\d{4} of the big log/ }).first().waitFor();
  expect(await rows()).toBeLessThan(200);
  await expect.poll(() => page.getByRole('button', { name: 'Follow the end' }).count()).toBe(1);

  // Back to the end with the button.
  await page.getByRole('button', { name: 'Follow the end' }).click();
  await page.locator('.log-line', { hasText: 'log line 299999 of the big log' }).waitFor();
  expect(await rows()).toBeLessThan(200);

  // Find in the whole log, not only the rendered rows: every match counted within a second,
  // the first one brought into view and marked, Enter goes to the next.
  const find = page.getByRole('searchbox', { name: 'Find in the log' });
  const started = Date.now();
  await find.fill('line 12345');
  await page.locator('.log-find-count', { hasText: '1 of 10' }).waitFor({ timeout: 5_000 });
  const tookMs = Date.now() - started;
  expect(tookMs).toBeLessThan(1000);
  const currentLine = () => page.locator('.log-line', { has: page.locator('mark.current') }).textContent();
  expect(await currentLine()).toContain('log line 123450 of the big log');
  await find.press('Enter');
  await page.locator('.log-find-count', { hasText: '2 of 10' }).waitFor();
  await expect.poll(currentLine, { timeout: 2_000 }).toContain('log line 123451 of the big log');
  expect(await rows()).toBeLessThan(200);
  await page.close();

  // A link to a line opens the page scrolled to it, the line marked.
  const linked = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await linked.goto(`${service.url}/runs/${created.body.id}#L150000`);
  const line = linked.locator('.log-line.targeted[data-line="150000"]');
  await line.waitFor({ timeout: 90_000 });
  // pytest's header comes first, so line 150,000 is a few numbers below 150,000.
  expect(await line.textContent()).toMatch(/^150000log line 1499\d\d of the big log$/);
  expect(await line.isVisible()).toBe(true);
  await linked.close();
});
