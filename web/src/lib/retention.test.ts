import { describe, expect, it } from 'vitest';

import { prunedLogNotice, retentionSummary } from './retention';

const defaults = { runs_days: 365, runs_newest: null, logs_days: 90, logs_newest: null };

describe('retention wording', () => {
  it('sums the setting up', () => {
    expect(retentionSummary(defaults)).toBe('runs are kept 365 days, logs 90 days');
    expect(retentionSummary({ runs_days: null, runs_newest: null, logs_days: 30, logs_newest: 10000 })).toBe(
      'runs are kept for ever, logs 30 days or the newest 10,000',
    );
    expect(retentionSummary({ runs_days: null, runs_newest: null, logs_days: null, logs_newest: null })).toBe(
      'runs are kept for ever, logs as long as their runs',
    );
  });

  it('says a pruned log was removed, when, and by which rule', () => {
    expect(prunedLogNotice({ log_pruned_at: null }, defaults)).toBeNull();
    const notice = prunedLogNotice({ log_pruned_at: '2026-03-01T10:00:00Z' }, defaults);
    expect(notice).toMatch(/^This run's log was removed on .+ by the retention setting \(logs are kept 90 days\)\./);
    expect(notice).toContain('Its test results and summary are kept.');
    expect(prunedLogNotice({ log_pruned_at: '2026-03-01T10:00:00Z' }, null)).toMatch(/by the retention setting\. /);
  });
});
