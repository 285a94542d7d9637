// A test's history as the pages show it: its outcome strip and duration chart, the marks of a
// run's failures against the runs before, and the words for flip rates and growth.

import { formatDuration, formatTime, type TestResult } from './api';
import type { components } from './schema';

export type TestHistory = components['schemas']['TestHistoryView'];
export type HistoryEntry = components['schemas']['TestHistoryEntryView'];
export type TestRecord = components['schemas']['TestRecordView'];
export type FlakyTest = components['schemas']['FlakyTestView'];
export type FailureChanges = components['schemas']['FailureChangesView'];
type Outcome = components['schemas']['TestOutcomeView'];

/** How many results the outcome strip shows: also the history page's page size. */
export const STRIP_LENGTH = 50;

/** The window of the flaky list that run pages mark failures from, in days. */
export const FLAKY_DAYS = 14;

/** The history page of a test, in one environment or in all. */
export function historyHref(nodeId: string, environment?: number | null): string {
  const query = new URLSearchParams({ node_id: nodeId });
  if (environment !== null && environment !== undefined) query.set('environment', String(environment));
  return `/tests/history?${query}`;
}

export function isFailure(outcome: Outcome): boolean {
  return outcome === 'failed' || outcome === 'error';
}

/**
 * Whether a result says the test works, as the service counts it (`Verdict::of`): an xfail or
 * xpass is a pass, a skip says nothing.
 */
export function verdict(outcome: Outcome): 'passed' | 'failed' | null {
  if (isFailure(outcome)) return 'failed';
  return outcome === 'skipped' ? null : 'passed';
}

/** The colour an outcome is drawn in: its verdict's, grey for a skip (it did not run). */
export function outcomeTone(outcome: Outcome): 'passed' | 'failed' | 'error' | 'skipped' {
  if (isFailure(outcome)) return outcome as 'failed' | 'error';
  return verdict(outcome) === 'passed' ? 'passed' : 'skipped';
}

export interface StripCell {
  entry: HistoryEntry;
  /** Its file's content differs from that of the result before: the test, not luck, may have changed. */
  contentChanged: boolean;
  /** Run, environment, time, outcome and duration, for the cell's tooltip. */
  title: string;
}

/** The strip's cells, oldest first, from a history's results (newest first). */
export function stripCells(newestFirst: HistoryEntry[]): StripCell[] {
  const oldestFirst = newestFirst.slice(0, STRIP_LENGTH).reverse();
  return oldestFirst.map((entry, index) => {
    const before = oldestFirst[index - 1];
    const contentChanged = Boolean(before?.file_hash && entry.file_hash && before.file_hash !== entry.file_hash);
    const facts = [
      `Run #${entry.run_id}`,
      entry.environment !== null && entry.environment !== undefined ? `environment ${entry.environment}` : null,
      entry.at ? formatTime(entry.at) : null,
      entry.outcome,
      formatDuration(entry.duration_s),
    ];
    const title = facts.filter((fact) => fact !== null).join(' · ') + (contentChanged ? '\nfile changed since the result before' : '');
    return { entry, contentChanged, title };
  });
}

/** The duration chart's columns: the result's place in the strip, passed durations, failed durations. */
export type DurationColumns = [number[], (number | null)[], (number | null)[]];

export interface DurationSeries {
  columns: DurationColumns;
  /** The run of each place, to label the axis with. */
  runIds: number[];
  /** Durations are in this unit: milliseconds for a test that takes less than a second. */
  unit: 'ms' | 's';
}

/**
 * The chart of the strip's results, in the strip's order, one place a result so that each
 * point stands under its cell; a skip, which did not run the test, has no point.
 */
export function durationSeries(newestFirst: HistoryEntry[]): DurationSeries {
  const oldestFirst = newestFirst.slice(0, STRIP_LENGTH).reverse();
  const ran = oldestFirst.filter((e) => outcomeTone(e.outcome) !== 'skipped');
  const unit = ran.every((e) => e.duration_s < 1) ? 'ms' : 's';
  const scale = unit === 'ms' ? 1000 : 1;
  const duration = (e: HistoryEntry, failed: boolean) =>
    outcomeTone(e.outcome) !== 'skipped' && isFailure(e.outcome) === failed ? e.duration_s * scale : null;
  return {
    columns: [oldestFirst.map((_, index) => index), oldestFirst.map((e) => duration(e, false)), oldestFirst.map((e) => duration(e, true))],
    runIds: oldestFirst.map((e) => e.run_id),
    unit,
  };
}

/** What a run's result is, against the test's previous verdict in the run's environment. */
export type ChangeMark = 'new' | 'still failing' | 'fixed' | 'flaky';

/**
 * The marks of one result of a run: a failure is new or still failing (known once the run has
 * ended) and flaky when the test flipped on unchanged code lately; a pass may be a fix.
 */
export function changeMarks(test: TestResult, changes: FailureChanges | null | undefined, flaky: ReadonlySet<string>): ChangeMark[] {
  const marks: ChangeMark[] = [];
  if (isFailure(test.outcome)) {
    if (changes?.new_failures.node_ids.includes(test.node_id)) marks.push('new');
    if (changes?.still_failing.node_ids.includes(test.node_id)) marks.push('still failing');
    if (flaky.has(test.node_id)) marks.push('flaky');
  } else if (verdict(test.outcome) === 'passed' && changes?.fixed.node_ids.includes(test.node_id)) {
    marks.push('fixed');
  }
  return marks;
}

/** "2 new failures, 1 still failing, 3 fixed"; null when there is none of them. */
export function failureChangesLine(changes: FailureChanges | null | undefined): string | null {
  if (!changes) return null;
  const parts = [
    changes.new_failures.count ? `${changes.new_failures.count} new failure${changes.new_failures.count === 1 ? '' : 's'}` : null,
    changes.still_failing.count ? `${changes.still_failing.count} still failing` : null,
    changes.fixed.count ? `${changes.fixed.count} fixed` : null,
  ];
  const text = parts.filter((part) => part !== null).join(', ');
  return text || null;
}

/** A flip rate as a whole percentage: `67 %`. */
export function formatRate(rate: number): string {
  return `${Math.round(rate * 100)} %`;
}

/** A duration's growth: `×1.8`. */
export function formatGrowthFactor(growth: number | null | undefined): string {
  return growth === null || growth === undefined ? '—' : `×${growth.toFixed(1)}`;
}

/** The first eight characters of a content hash, enough to tell two apart at a glance. */
export function shortHash(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 8) : '—';
}
