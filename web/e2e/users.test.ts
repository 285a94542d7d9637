// A service with users, as a person uses its page: the page asks for a token, shows who is
// signed in, starts runs as that user, offers no Cancel on someone else's run (and the API
// refuses it), and signs out.

import { describe, expect, it } from 'vitest';

import type { Run } from '../src/lib/api';
import { browserSession } from './session';

const session = browserSession();
type Issued = { token: string };

async function addUser(name: string, admin: boolean, by?: string): Promise<string> {
  const headers: Record<string, string> = by ? { Authorization: `Bearer ${by}` } : {};
  const added = await session.service.api<Issued>('/api/users', {
    method: 'POST',
    headers,
    body: JSON.stringify({ name, admin }),
  });
  expect(added.status).toBe(201);
  return added.body.token;
}

const as = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('users', () => {
  it('signs in with a token, starts a run as its user, cannot cancel another user’s run, and signs out', async () => {
    const root = await addUser('root', true);
    const ada = await addUser('ada', false, root);
    const bob = await addUser('bob', false, root);
    const adas = await session.service.api<Run>('/api/runs', {
      method: 'POST',
      headers: as(ada),
      body: JSON.stringify({ environment: 81, paths: ['slow'] }),
    });
    expect(adas.status).toBe(201);

    // Without a token the page asks for one; a wrong one is refused with a message.
    const page = await session.openPage('/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Token').fill('tb_not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'does not take this token' }).waitFor();
    await page.getByLabel('Token').fill(bob);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as bob').waitFor();
    // The runs list loads with the token, ada's run in it.
    await page.locator(`a[href="/runs/${adas.body.id}"]`).first().waitFor();

    // A new run is bob's: the form says so and the service records it.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New run' }).click();
    await page.locator('input[data-path="math/test_arithmetic.py"]').waitFor();
    expect(await page.getByLabel('Your name').inputValue()).toBe('bob');
    expect(await page.getByLabel('Your name').getAttribute('readonly')).not.toBeNull();
    await page.getByLabel('Test environment').selectOption('82');
    await page.locator('input[data-path="math/test_arithmetic.py"]').check();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\/runs\/\d+$/);
    const bobsId = Number(page.url().split('/').pop());
    const bobs = await session.service.api<Run>(`/api/runs/${bobsId}`, { headers: as(bob) });
    expect(bobs.body).toMatchObject({ user: 'bob', created_by: 'bob' });

    // Ada's run, still running: no Cancel for bob, and the API refuses him too.
    await page.goto(`${session.service.url}/runs/${adas.body.id}`);
    await page.getByRole('heading', { name: `Run #${adas.body.id}` }).waitFor();
    await page.getByRole('button', { name: 'Run again' }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
    const refused = await session.service.api(`/api/runs/${adas.body.id}/cancel`, { method: 'POST', headers: as(bob) });
    expect(refused.status).toBe(403);
    // Ada sees the button on her own run.
    const own = await session.service.api<Run>(`/api/runs/${adas.body.id}`, { headers: as(ada) });
    expect(own.body.status === 'queued' || own.body.status === 'running').toBe(true);

    // Signing out forgets the token: the page asks again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('testbay.token'))).toBeNull();
    await page.close();

    const cancelled = await session.service.api<Run>(`/api/runs/${adas.body.id}/cancel`, { method: 'POST', headers: as(ada) });
    expect(cancelled.body.cancelled_by).toBe('ada');
  });
});
