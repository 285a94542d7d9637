// The Nodes page of one service on its embedded database: one node, this one, live, none of its
// runs running, reached from the navigation; the page asks again while open and stops when left.

import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';

import type { SystemInfo } from '../src/lib/api';
import type { NodeList } from '../src/lib/nodes';
import { browserSession } from './session';

const session = browserSession();

const navLink = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const isNodesRequest = (url: string) => new URL(url).pathname === '/api/nodes';

it('lists this service as the one live node, from the navigation, and refreshes while open', async () => {
  const system = (await session.service.api<SystemInfo>('/api/system')).body;
  const nodes = await session.service.api<NodeList>('/api/nodes');
  expect(nodes.status).toBe(200);
  expect(nodes.body.items.map((node) => node.name)).toEqual([system.node]);
  const node = nodes.body.items[0]!;
  expect(node).toMatchObject({ state: 'live', this_node: true, running: 0, capacity: system.max_concurrent_runs });

  const page = await session.openPage('/');
  const asked: string[] = [];
  page.on('request', (request) => {
    if (isNodesRequest(request.url())) asked.push(request.url());
  });
  await navLink(page, 'Nodes').click();
  await page.waitForURL((url) => url.pathname === '/nodes');
  await page.getByRole('heading', { level: 1, name: 'Nodes' }).waitFor();
  expect(await navLink(page, 'Nodes').getAttribute('aria-current')).toBe('page');

  const row = page.locator(`table.nodes tbody tr[data-node-name="${system.node}"]`);
  await row.waitFor();
  expect(await page.locator('table.nodes tbody tr').count()).toBe(1);
  expect(await row.getByRole('link', { name: system.node, exact: true }).getAttribute('href')).toBe(node.url);
  expect(await row.locator('.this-node-mark').textContent()).toBe('this node');
  expect(await row.locator('.node-state .badge').textContent()).toBe('live');
  expect(await row.locator('td.node-runs').textContent()).toBe(`0 of ${system.max_concurrent_runs} running`);
  expect(await row.locator('td.node-lease').textContent()).toMatch(/^renewed (just now|\d+ s ago)$/);
  expect(await row.locator('td.node-tree code').textContent()).toBe(node.tree_fingerprint.slice(0, 8));
  // Alone, it serves the tree and runs the version the others do.
  expect(await row.locator('td.node-tree .node-warning, td.node-version .node-warning').count()).toBe(0);
  expect(await page.locator('.page-head').textContent()).toContain('1 of 1 live');
  expect(await page.locator('.lease-caption').textContent()).toContain(`Each node renews a ${nodes.body.lease_s} s lease;`);

  // It asks again (every 2 s at most), and no more once another page is in view.
  await page.waitForRequest((request) => isNodesRequest(request.url()) && asked.length >= 2, { timeout: 5_000 });
  await navLink(page, 'Runs').click();
  await page.waitForURL((url) => url.pathname === '/');
  const before = asked.length;
  await page.waitForTimeout(3_000);
  expect(asked.length).toBe(before);
  await page.close();
});
