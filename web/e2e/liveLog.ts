// Reading a run's log as the service stored it and as the run page shows it, for the tests of
// the live log across dropped connections.

import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';

import type { CuttableProxy } from './proxy';
import type { Service } from './service';

/** The whole stored log, page by page. */
export async function storedLog(service: Service, id: number): Promise<string> {
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
export const shownLines = (log: string) =>
  log
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''));

/** Every line the page's virtualised log holds, read by scrolling it from top to bottom. */
export async function pageLog(page: Page): Promise<string[]> {
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
export const lastCounted = (page: Page) =>
  page
    .locator('.log-line')
    .evaluateAll((elements) =>
      Math.max(0, ...elements.map((element) => Number(/counted line (\d+)/.exec(element.textContent ?? '')?.[1] ?? 0))),
    );

/**
 * Opens run `id` (which runs `test_counting.py`) through `proxy`, cuts the page's connections
 * twice while the run prints, and checks that the page ends with exactly the log `service`
 * stored: every line once and in order.
 */
export async function followAcrossCuts(options: { browser: Browser; proxy: CuttableProxy; service: Service; id: number }) {
  const { browser, proxy, service, id } = options;
  const running = async () => (await service.api<{ status: string }>(`/api/runs/${id}`)).body.status === 'running';
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${proxy.url}/runs/${id}`);
  const interrupted = page.getByRole('status').filter({ hasText: 'Live updates interrupted' });

  for (const line of [200, 700]) {
    await expect.poll(() => lastCounted(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(line);
    expect(await running(), 'the stream is cut while the run prints').toBe(true);
    const acceptedBefore = proxy.accepted;
    expect(proxy.cut()).toBeGreaterThan(0);
    await interrupted.waitFor();
    // The browser reconnects through the proxy and the page says it is live again.
    await interrupted.waitFor({ state: 'detached', timeout: 30_000 });
    expect(proxy.accepted).toBeGreaterThan(acceptedBefore);
  }

  await page.locator('h1 [data-status="passed"]').waitFor({ timeout: 90_000 });
  const storedText = await storedLog(service, id);
  const stored = shownLines(storedText);
  // pytest -v writes the test's name before its first line of output.
  const counted = storedText.match(/counted line \d{4}/g);
  expect(counted).toEqual(Array.from({ length: 1500 }, (_, n) => `counted line ${String(n + 1).padStart(4, '0')}`));
  await page.locator('.log-toolbar', { hasText: `${stored.length.toLocaleString('en-US')} lines` }).waitFor();
  expect(await pageLog(page)).toEqual(stored);
  await page.close();
}
