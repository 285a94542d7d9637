// Screenshots of the pages in light and dark, for docs/ and the README
// (`npm run screenshots`; skipped in the normal e2e run).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';

import { launchBrowser } from './browser';
import { repoRoot, startService, type Service } from './service';

const enabled = process.env.SCREENSHOTS === '1';
let service: Service;
let browser: Browser;

beforeAll(async () => {
  if (enabled) [service, browser] = await Promise.all([startService(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

it.skipIf(!enabled)('takes screenshots of the pages', async () => {
  const post = (body: object) => service.api<{ id: number }>('/api/runs', { method: 'POST', body: JSON.stringify(body) });
  const finished = await post({ user: 'ada', environment: 3, paths: ['math', 'text'] });
  await post({ user: 'grace', environment: 4, paths: ['math/test_arithmetic.py'] });
  const live = await post({ user: 'linus', environment: 7, paths: ['slow'] });
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
    await page.close();
  }
});
