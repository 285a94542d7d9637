import { describe, expect, it } from 'vitest';

import type { TestResult } from './api';
import {
  changeMarks,
  durationSeries,
  failureChangesLine,
  formatGrowthFactor,
  formatRate,
  historyHref,
  outcomeTone,
  shortHash,
  STRIP_LENGTH,
  verdict,
  stripCells,
  type FailureChanges,
  type HistoryEntry,
} from './testHistory';

function entry(run_id: number, outcome: HistoryEntry['outcome'], more: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    run_id,
    environment: 3,
    at: new Date(Date.UTC(2026, 0, 1, 12, 0, run_id)).toISOString(),
    outcome,
    phase: 'call',
    duration_s: 0.25,
    file_hash: 'aaaa1111bbbb2222',
    ...more,
  };
}

const group = (...node_ids: string[]) => ({ count: node_ids.length, node_ids });

describe('the history link', () => {
  it('names the test and, when given, the environment', () => {
    expect(historyHref('a/test_x.py::test_y[1-2]')).toBe('/tests/history?node_id=a%2Ftest_x.py%3A%3Atest_y%5B1-2%5D');
    expect(historyHref('t.py::a&b', 7)).toBe('/tests/history?node_id=t.py%3A%3Aa%26b&environment=7');
    expect(new URLSearchParams(historyHref('t.py::a&b', 7).split('?')[1]).get('node_id')).toBe('t.py::a&b');
  });
});

describe('the outcome strip', () => {
  it('puts the oldest result first and tells each cell its run and outcome', () => {
    const cells = stripCells([entry(4, 'passed'), entry(3, 'failed'), entry(2, 'failed'), entry(1, 'passed')]);
    expect(cells.map((c) => [c.entry.run_id, c.entry.outcome])).toEqual([
      [1, 'passed'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'passed'],
    ]);
    expect(cells[1]!.title).toMatch(/^Run #2 · environment 3 · .+ · failed · 250 ms$/);
  });

  it('keeps the newest results when there are more than it shows', () => {
    const newestFirst = Array.from({ length: STRIP_LENGTH + 10 }, (_, i) => entry(STRIP_LENGTH + 10 - i, 'passed'));
    const cells = stripCells(newestFirst);
    expect(cells).toHaveLength(STRIP_LENGTH);
    expect(cells[0]!.entry.run_id).toBe(11);
    expect(cells.at(-1)!.entry.run_id).toBe(STRIP_LENGTH + 10);
  });

  it('marks where the file content changed, not where a hash is unknown', () => {
    const cells = stripCells([
      entry(5, 'passed', { file_hash: 'cccc' }),
      entry(4, 'failed', { file_hash: 'bbbb' }),
      entry(3, 'failed', { file_hash: null }),
      entry(2, 'passed', { file_hash: 'bbbb' }),
      entry(1, 'passed', { file_hash: 'aaaa' }),
    ]);
    expect(cells.map((c) => c.contentChanged)).toEqual([false, true, false, false, true]);
    expect(cells[1]!.title).toContain('\nfile changed since the result before');
    expect(cells[0]!.title).not.toContain('file changed');
  });

  it('leaves out what a result of an old version does not know', () => {
    const [cell] = stripCells([entry(9, 'error', { environment: null, at: null, duration_s: 2 })]);
    expect(cell!.title).toBe('Run #9 · error · 2.0 s');
  });
});

describe('the duration chart', () => {
  it('puts each result under its strip cell, passes and failures apart, in milliseconds below a second', () => {
    const series = durationSeries([entry(3, 'error', { duration_s: 0.5 }), entry(2, 'skipped'), entry(1, 'passed', { duration_s: 0.002, at: null })]);
    expect(series).toEqual({
      columns: [
        [0, 1, 2],
        [2, null, null],
        [null, null, 500],
      ],
      runIds: [1, 2, 3],
      unit: 'ms',
    });
  });

  it('uses seconds once a result took one, and charts the results the strip shows', () => {
    const newestFirst = Array.from({ length: STRIP_LENGTH + 1 }, (_, i) => entry(STRIP_LENGTH + 1 - i, 'passed', { duration_s: i === 0 ? 1.5 : 0.5 }));
    const series = durationSeries(newestFirst);
    expect(series.unit).toBe('s');
    expect(series.runIds).toHaveLength(STRIP_LENGTH);
    expect(series.runIds[0]).toBe(2);
    expect(series.columns[1].at(-1)).toBe(1.5);
  });
});

describe("a run's failures against the runs before", () => {
  const changes: FailureChanges = {
    new_failures: group('t.py::new'),
    still_failing: group('t.py::old', 't.py::older'),
    fixed: group('t.py::fixed'),
  };
  const result = (node_id: string, outcome: TestResult['outcome']): TestResult => ({ node_id, outcome, phase: 'call', duration_s: 1 });

  it('marks failures new or still failing, and flaky', () => {
    const flaky = new Set(['t.py::old', 't.py::fixed']);
    expect(changeMarks(result('t.py::new', 'failed'), changes, flaky)).toEqual(['new']);
    expect(changeMarks(result('t.py::old', 'error'), changes, flaky)).toEqual(['still failing', 'flaky']);
    expect(changeMarks(result('t.py::fixed', 'passed'), changes, flaky)).toEqual(['fixed']);
    expect(changeMarks(result('t.py::new', 'passed'), changes, flaky)).toEqual([]);
    expect(changeMarks(result('t.py::old', 'skipped'), changes, flaky)).toEqual([]);
    // An xfail or xpass is a pass to the service, so it can be the fix.
    expect(changeMarks(result('t.py::fixed', 'xfailed'), changes, flaky)).toEqual(['fixed']);
  });

  it('tells verdicts and colours as the service counts them', () => {
    expect(['passed', 'xfailed', 'xpassed', 'failed', 'error', 'skipped'].map((o) => verdict(o as TestResult['outcome']))).toEqual([
      'passed',
      'passed',
      'passed',
      'failed',
      'failed',
      null,
    ]);
    expect(outcomeTone('xfailed')).toBe('passed');
    expect(outcomeTone('skipped')).toBe('skipped');
    expect(outcomeTone('error')).toBe('error');
  });

  it('marks a flaky failure while the run has not ended', () => {
    expect(changeMarks(result('t.py::old', 'failed'), null, new Set(['t.py::old']))).toEqual(['flaky']);
  });

  it('sums them up in a line, leaving out what is none', () => {
    expect(failureChangesLine(changes)).toBe('1 new failure, 2 still failing, 1 fixed');
    expect(failureChangesLine({ ...changes, new_failures: group('a', 'b'), still_failing: group() })).toBe('2 new failures, 1 fixed');
    expect(failureChangesLine({ new_failures: group(), still_failing: group(), fixed: group() })).toBeNull();
    expect(failureChangesLine(null)).toBeNull();
  });
});

describe('rates, growth and hashes', () => {
  it('reads as people say them', () => {
    expect(formatRate(2 / 3)).toBe('67 %');
    expect(formatRate(1)).toBe('100 %');
    expect(formatGrowthFactor(1.83)).toBe('×1.8');
    expect(formatGrowthFactor(null)).toBe('—');
    expect(shortHash('4b70cc470ee185ec')).toBe('4b70cc47');
    expect(shortHash(null)).toBe('—');
  });
});
