// The run page's live log across dropped connections: the event stream is cut twice while the
// run prints, the page says so, reconnects with Last-Event-ID, and ends with exactly the log the
// service stored, every line once and in order.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { launchBrowser } from './browser';
import { startProxy, type CuttableProxy } from './proxy';
import { startService, type Service } from './service';

let service: Service;
let proxy: CuttableProxy;
let browser: Browser;

beforeAll(async () => {
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
  [service, browser] = await Promise.all([startService({ testsRoot: fixtures }), launchBrowser()]);
  proxy = await startProxy(service.url);
});

afterAll(async () => {
  await proxy?.close();
  await browser?.close();
  await service?.stop();
});

/** The whole stored log, page by page. */
async function storedLog(id: number): Promise<string> {
  let text = '';
  for (let offset = 0; ; ) {
    const page = await service.api<{ text: string; next_offset: number }>(`/api/runs/${id}/log?offset=${offset}`);
    expect(page.status).toBe(200);
    if (page.body.text === '') return text;
    text += page.body.text;
    offset = page.body.next_offset;
  }
}

/** The log's lines as the page shows them: pytest's colours are styles there, not text. */
const shownLines = (log: string) =>
  log
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''));

/** Every line the page's virtualised log holds, read by scrolling it from top to bottom. */
async function pageLog(page: Page): Promise<string[]> {
  const lines = new Map<number, string>();
  const log = page.getByRole('log');
  for (let top = 0; ; ) {
    const [rows, scroll] = await Promise.all([
      page.locator('.log-line').evaluateAll((elements) =>
        // The line's text, without its line number.
        elements.map((element) => {
          const text = [...element.childNodes].filter((node) => !(node instanceof HTMLElement && node.matches('.line-number')));
          return [Number(element.getAttribute('data-line')), text.map((node) => node.textContent ?? '').join('')] as const;
        }),
      ),
      log.evaluate((element, to) => {
        element.scrollTop = to;
        element.dispatchEvent(new Event('scroll'));
        return { height: element.scrollHeight, view: element.clientHeight };
      }, top),
    ]);
    for (const [line, text] of rows) lines.set(line, text);
    if (top >= scroll.height - scroll.view) break;
    top += Math.floor(scroll.view / 2);
    await page.waitForTimeout(30);
  }
  return [...lines.keys()].sort((a, b) => a - b).map((line) => lines.get(line)!);
}

/** The highest counted line the page shows (it follows the end of the log). */
const lastCounted = (page: Page) =>
  page
    .locator('.log-line')
    .evaluateAll((elements) =>
      Math.max(0, ...elements.map((element) => Number(/counted line (\d+)/.exec(element.textContent ?? '')?.[1] ?? 0))),
    );

const running = async (id: number) =>
  (await service.api<{ status: string }>(`/api/runs/${id}`)).body.status === 'running';

it('keeps every line exactly once when the event stream drops mid-run', async () => {
  const created = await service.api<{ id: number }>('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ user: 'ada', environment: 3, paths: ['test_counting.py'] }),
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${proxy.url}/runs/${id}`);
  const interrupted = page.getByRole('status').filter({ hasText: 'Live updates interrupted' });

  for (const line of [200, 700]) {
    await expect.poll(() => lastCounted(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(line);
    expect(await running(id), 'the stream is cut while the run prints').toBe(true);
    const acceptedBefore = proxy.accepted;
    expect(proxy.cut()).toBeGreaterThan(0);
    await interrupted.waitFor();
    // The browser reconnects through the proxy and the page says it is live again.
    await interrupted.waitFor({ state: 'detached', timeout: 30_000 });
    expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
  }

  await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 90_000 });
  const storedText = await storedLog(id);
  const stored = shownLines(storedText);
  // pytest -v writes the test's name before its first line of output.
  const counted = storedText.match(/counted line \d{4}/g);
  expect(counted).toEqual(Array.from({ length: 1500 }, (_, n) => `counted line ${String(n + 1).padStart(4, '0')}`));
  await page.locator('.log-toolbar', { hasText: `${stored.length.toLocaleString('en-US')} lines` }).waitFor();
  expect(await pageLog(page)).toEqual(stored);
  await page.close();
});
