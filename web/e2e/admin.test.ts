// The Users page, as an admin uses it: the first admin added from the page (which then signs in
// as them), a user added with a token shown once, and that token revoked.

import { expect, it } from 'vitest';

import { browserSession } from './session';

const session = browserSession();

it('adds the first admin and signs in as them, adds a user, shows the token once and revokes it', async () => {
  const page = await session.openPage('/users');
  await page.getByText('This service has no users yet').waitFor();
  await page.getByLabel('Name').fill('root');
  await page.getByRole('button', { name: 'Add user' }).click();
  const issued = page.getByRole('status', { name: 'New token' });
  const rootToken = (await issued.locator('code.token').textContent())?.trim() ?? '';
  expect(rootToken).toMatch(/^tb_/);
  await page.getByText('Signed in as root (admin)').waitFor();
  const asRoot = { Authorization: `Bearer ${rootToken}` };
  expect((await session.service.api('/api/runs', { headers: asRoot })).status).toBe(200);
  expect((await session.service.api('/api/runs')).status).toBe(401);

  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByLabel('Name').fill('carol');
  await page.getByRole('button', { name: 'Add user' }).click();
  await issued.filter({ hasText: 'carol' }).waitFor();
  const carol = (await issued.locator('code.token').textContent())?.trim() ?? '';
  expect(carol).toMatch(/^tb_/);
  expect((await session.service.api('/api/me', { headers: { Authorization: `Bearer ${carol}` } })).body).toMatchObject({
    kind: 'user',
    name: 'carol',
    admin: false,
  });

  await page.getByRole('button', { name: 'Revoke the token of carol' }).click();
  await page.getByRole('status').filter({ hasText: 'Revoked the token of carol' }).waitFor();
  await page.locator('tr[data-user="carol"]', { hasText: 'revoked' }).waitFor();
  expect((await session.service.api('/api/runs', { headers: { Authorization: `Bearer ${carol}` } })).status).toBe(401);
  await page.close();
});
