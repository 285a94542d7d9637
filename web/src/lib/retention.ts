// How the page words the retention setting and what it removed.

import { formatTime, type Run, type SystemInfo } from './api';

type Retention = SystemInfo['retention'];

function keptFor(days: number | null | undefined, newest: number | null | undefined): string | null {
  const parts: string[] = [];
  if (days) parts.push(`${days} ${days === 1 ? 'day' : 'days'}`);
  if (newest) parts.push(`the newest ${newest.toLocaleString('en')}`);
  return parts.length ? parts.join(' or ') : null;
}

/** The setting in a few words, e.g. `runs are kept 365 days, logs 90 days`. */
export function retentionSummary(retention: Retention): string {
  const runs = keptFor(retention.runs_days, retention.runs_newest) ?? 'for ever';
  const logs = keptFor(retention.logs_days, retention.logs_newest) ?? 'as long as their runs';
  return `runs are kept ${runs}, logs ${logs}`;
}

/** What the run page says in place of a log the retention setting removed. */
export function prunedLogNotice(run: Pick<Run, 'log_pruned_at'>, retention: Retention | null): string | null {
  if (!run.log_pruned_at) return null;
  const rule = retention ? keptFor(retention.logs_days, retention.logs_newest) : null;
  const setting = rule ? `the retention setting (logs are kept ${rule})` : 'the retention setting';
  return `This run's log was removed on ${formatTime(run.log_pruned_at)} by ${setting}. Its test results and summary are kept.`;
}
