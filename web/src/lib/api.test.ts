import { describe, expect, it } from 'vitest';
import { listItems } from './api';

describe('listItems', () => {
  it('gives the items, the API problem, or what failed to load', async () => {
    expect(await listItems(async () => ({ data: { items: [1, 2] } }), 'the numbers')).toEqual({ items: [1, 2] });
    const refused = await listItems<number>(async () => ({ error: { code: 'forbidden', message: 'admins only' } }), 'the users');
    expect(refused).toEqual({ problem: { code: 'forbidden', message: 'admins only' } });
    const down = await listItems<number>(async () => Promise.reject(new Error('connection refused')), 'the users');
    expect(down).toEqual({ problem: { code: 'network', message: 'cannot load the users: connection refused' } });
  });
});
