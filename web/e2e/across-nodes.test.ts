// Two nodes on one SurrealDB server: the run page that node A serves shows the live log of a run
// node B executes, every line once and in order, across dropped connections to node A.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { launchBrowser } from './browser';
import { followAcrossCuts } from './liveLog';
import { startProxy, type CuttableProxy } from './proxy';
import { startService, type Service } from './service';
import { startSurrealServer, type SurrealServer } from './surrealdb';

let database: SurrealServer;
let nodeA: Service;
let nodeB: Service;
let proxy: CuttableProxy;
let browser: Browser;
// Node A's tests tree lacks the printing test, so node A never claims its run.
const treeA = mkdtempSync(join(tmpdir(), 'testbay-tree-a-'));

beforeAll(async () => {
  writeFileSync(join(treeA, 'test_other.py'), 'def test_other():\n    pass\n');
  const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
  database = await startSurrealServer();
  [nodeA, nodeB, browser] = await Promise.all([
    startService({ testsRoot: treeA, args: database.nodeArgs('node-a') }),
    startService({ testsRoot: fixtures, args: database.nodeArgs('node-b') }),
    launchBrowser(),
  ]);
  proxy = await startProxy(nodeA.url);
});

afterAll(async () => {
  await proxy?.close();
  await browser?.close();
  await nodeA?.stop();
  await nodeB?.stop();
  await database?.stop();
  rmSync(treeA, { recursive: true, force: true });
});

it("shows on node A's page the live log of a run node B executes, every line once across dropped connections", async () => {
  const created = await nodeB.api<{ id: number }>('/api/runs', {
    method: 'POST',
    body: JSON.stringify({ user: 'ada', environment: 4, paths: ['test_counting.py'] }),
  });
  expect(created.status).toBe(201);
  const id = created.body.id;
  await expect
    .poll(async () => (await nodeA.api<{ node: string | null }>(`/api/runs/${id}`)).body.node, { timeout: 30_000 })
    .toBe('node-b');
  await followAcrossCuts({ browser, proxy, service: nodeA, id });
});
