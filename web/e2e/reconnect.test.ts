// The run page's live log across dropped connections: the event stream is cut twice while the
// run prints, the page says so, reconnects with Last-Event-ID, and ends with exactly the log the
// service stored, every line once and in order.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { launchBrowser } from './browser';
import { startProxy, type CuttableProxy } from './proxy';
import { followAcrossCuts } from './liveLog';
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

it('keeps every line exactly once when the event stream drops mid-run', async () => {
  const created = await service.api<{ id: number }>('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ user: 'ada', environment: 3, paths: ['test_counting.py'] }),
  });
  expect(created.status).toBe(201);
  await followAcrossCuts({ browser, proxy, service, id: created.body.id });
});
