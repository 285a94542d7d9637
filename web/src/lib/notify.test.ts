import { describe, expect, it } from 'vitest';
import type { Run } from './api';
import { endMessage } from './notify';

describe('the end of a run, told', () => {
  it('names the run, its outcome and its counts', () => {
    const counts = { passed: 3, failed: 1, errors: 0, skipped: 2, xfailed: 0, xpassed: 0, total: 6 };
    const run = { id: 12, status: 'timed_out', environment: 4, counts } as unknown as Run;
    expect(endMessage(run)).toEqual({ title: 'Run #12 timed out', body: '3 passed, 1 failed, 2 skipped in environment 4' });
  });
});
