// The nodes sharing the database as the Nodes page shows them: the words for their state, runs,
// limits and lease, which of them run another version, and how often the page asks again.

import { formatTime } from './api';
import type { components } from './schema';

export type NodeView = components['schemas']['NodeView'];
export type NodeList = components['schemas']['NodeList'];
export type NodeState = components['schemas']['NodeStateView'];
export type Enforcement = components['schemas']['EnforcementView'];

/** The page asks again this often at most; more often when leases are short. */
export const REFRESH_MS = 2000;
/** … but never more often than this, whatever the lease. */
const FASTEST_REFRESH_MS = 250;

/** How long to wait before asking for the nodes again: 2 s, or a third of the lease if shorter. */
export function refreshInterval(leaseS: number | null | undefined): number {
  if (leaseS === null || leaseS === undefined || !(leaseS > 0)) return REFRESH_MS;
  return Math.max(FASTEST_REFRESH_MS, Math.min(REFRESH_MS, (leaseS * 1000) / 3));
}

/** Whole seconds as people read them: 4 s, 1 min 30 s, 2 min, 1 h 5 min, 3 d. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  if (s < 2 * 86400) {
    const minutes = Math.floor((s % 3600) / 60);
    return minutes ? `${Math.floor(s / 3600)} h ${minutes} min` : `${Math.floor(s / 3600)} h`;
  }
  return `${Math.floor(s / 86400)} d`;
}

/** The line above the table: how long a lease lasts and what happens when one runs out. */
export function leaseCaption(leaseS: number): string {
  return `Each node renews a ${formatSeconds(leaseS)} lease; a node whose lease runs out is marked lost and its runs are interrupted by another node.`;
}

/** Whole seconds from `time` to `now` (milliseconds); none for a time ahead of this clock. */
export function secondsSince(time: string, now: number): number {
  const then = Date.parse(time);
  if (Number.isNaN(then)) return 0;
  return Math.max(0, Math.floor((now - then) / 1000));
}

/** The lease column: how long ago a live node renewed its lease, or when another last did. */
export function leaseWording(node: NodeView, now: number): string {
  if (node.state !== 'live') return `last renewed ${formatTime(node.renewed_at)}`;
  const seconds = secondsSince(node.renewed_at, now);
  return seconds < 1 ? 'renewed just now' : `renewed ${formatSeconds(seconds)} ago`;
}

export const STATE_LABELS: Record<NodeState, string> = { live: 'live', lost: 'lost', stopped: 'stopped' };

/** What a state means, for the badge's tooltip. */
export const STATE_MEANINGS: Record<NodeState, string> = {
  live: 'It renews its lease: it takes and executes runs.',
  lost: 'Its lease ran out without it stopping: another node interrupted its runs and freed their environments.',
  stopped: 'It stopped as asked, after ending its runs.',
};

/** For a lost node: when it was found lost and which node interrupted its runs. */
export function lostWording(node: NodeView): string | null {
  if (node.state !== 'lost') return null;
  const when = node.lost_at ? `lost at ${formatTime(node.lost_at)}` : 'lost';
  return `${when}, its runs were interrupted by ${node.lost_to ?? 'another node'}`;
}

/** Its runs against its capacity: "1 of 2 running" for a live node. */
export function runsWording(node: NodeView): string {
  if (node.state === 'live') return `${node.running} of ${node.capacity} running`;
  // What it ran at its last renewal is over: it is lost (interrupted) or stopped (ended).
  return `none running (up to ${node.capacity} at once)`;
}

/** How a node enforces run limits, and a warning when that is weaker than a cgroup. */
export function enforcementWording(enforcement: Enforcement): { label: string; warning: string | null } {
  switch (enforcement) {
    case 'cgroup_v2':
      return { label: 'cgroup v2', warning: null };
    case 'cgroup_v1':
      return { label: 'cgroup v1', warning: null };
    case 'rlimit':
      return {
        label: 'rlimits only',
        warning: 'weaker: memory is capped per process (no cgroup here), and processes that leave the group can outlive the run',
      };
  }
}

/** The digits of a tree fingerprint the table shows. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint ? fingerprint.slice(0, 8) : 'unknown';
}

export const TREE_DIFFERS = 'serves a different tests tree than the other nodes: runs may find other tests here';

/**
 * The live nodes that run another Testbay version than the others, by name, each with what to
 * say: those outside the version most live nodes run, or every live node when no version is run
 * by more of them than any other (the rule the service applies to tests trees). Nodes that are
 * not live are left out: an old version that stopped is no concern.
 */
export function versionNotes(nodes: NodeView[]): Map<string, string> {
  const live = nodes.filter((node) => node.state === 'live');
  const counts = new Map<string, number>();
  for (const node of live) counts.set(node.version, (counts.get(node.version) ?? 0) + 1);
  const notes = new Map<string, string>();
  if (counts.size <= 1) return notes;
  const most = Math.max(...counts.values());
  const leaders = [...counts].filter(([, count]) => count === most).map(([version]) => version);
  const majority = leaders.length === 1 ? leaders[0] : undefined;
  for (const node of live) {
    if (node.version === majority) continue;
    notes.set(
      node.name,
      majority === undefined ? 'the live nodes run different versions' : `differs from the version most nodes run (${majority})`,
    );
  }
  return notes;
}

/** The node's URL for a link: only an http(s) address (a node announces it; it is no script). */
export function safeHref(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}
