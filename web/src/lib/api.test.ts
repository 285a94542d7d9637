import { describe, expect, it } from 'vitest';
import { formatDuration, listItems } from './api';

describe('listItems', () => {
  it('gives the items, the API problem, or what failed to load', async () => {
    expect(await listItems(async () => ({ data: { items: [1, 2] } }), 'the numbers')).toEqual({ items: [1, 2] });
    const refused = await listItems<number>(async () => ({ error: { code: 'forbidden', message: 'admins only' } }), 'the users');
    expect(refused).toEqual({ problem: { code: 'forbidden', message: 'admins only' } });
    const down = await listItems<number>(async () => Promise.reject(new Error('connection refused')), 'the users');
    expect(down).toEqual({ problem: { code: 'network', message: 'cannot load the users: connection refused' } });
  });
});

describe('formatDuration', () => {
  it('reads as people say it, down to a test of a fraction of a millisecond', () => {
    expect([0.00002, 0.000087, 0.0042, 0.25, 4.21, 12.4, 185, 3720].map(formatDuration)).toEqual([
      '< 0.1 ms', '0.1 ms', '4.2 ms', '250 ms', '4.2 s', '12 s', '3 min 5 s', '1 h 2 min',
    ]);
    expect(formatDuration(null)).toBe('—');
  });
});
