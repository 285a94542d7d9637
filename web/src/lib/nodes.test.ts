import { describe, expect, it } from 'vitest';

import { formatTime } from './api';
import {
  enforcementWording,
  formatSeconds,
  leaseCaption,
  leaseWording,
  lostWording,
  refreshInterval,
  runsWording,
  safeHref,
  secondsSince,
  shortFingerprint,
  versionNotes,
  type NodeView,
} from './nodes';

function node(name: string, more: Partial<NodeView> = {}): NodeView {
  return {
    name,
    url: `http://${name}:8080`,
    state: 'live',
    this_node: false,
    capacity: 2,
    running: 0,
    enforcement: 'cgroup_v2',
    tree_fingerprint: '0123456789abcdef',
    tree_differs: false,
    version: '0.1.0',
    started_at: '2026-03-01T10:00:00Z',
    renewed_at: '2026-03-01T10:05:00Z',
    lease_until: '2026-03-01T10:05:10Z',
    ...more,
  };
}

const at = (time: string) => Date.parse(time);

describe('refreshing', () => {
  it('asks every 2 s, or every third of a shorter lease', () => {
    expect(refreshInterval(10)).toBe(2000);
    expect(refreshInterval(6)).toBe(2000);
    expect(refreshInterval(3)).toBe(1000);
    expect(refreshInterval(1.5)).toBe(500);
  });

  it('never asks more often than every 250 ms, and every 2 s before it knows the lease', () => {
    expect(refreshInterval(0.1)).toBe(250);
    expect(refreshInterval(0)).toBe(2000);
    expect(refreshInterval(null)).toBe(2000);
    expect(refreshInterval(undefined)).toBe(2000);
  });
});

describe('times', () => {
  it('writes seconds as people read them', () => {
    expect(formatSeconds(0)).toBe('0 s');
    expect(formatSeconds(4.9)).toBe('4 s');
    expect(formatSeconds(59)).toBe('59 s');
    expect(formatSeconds(60)).toBe('1 min');
    expect(formatSeconds(90)).toBe('1 min 30 s');
    expect(formatSeconds(3600)).toBe('1 h');
    expect(formatSeconds(3900)).toBe('1 h 5 min');
    expect(formatSeconds(3 * 86400 + 5)).toBe('3 d');
  });

  it('counts whole seconds since a time, none for a time ahead of this clock', () => {
    expect(secondsSince('2026-03-01T10:05:00Z', at('2026-03-01T10:05:03.900Z'))).toBe(3);
    expect(secondsSince('2026-03-01T10:05:00Z', at('2026-03-01T10:04:58Z'))).toBe(0);
    expect(secondsSince('not a time', at('2026-03-01T10:05:00Z'))).toBe(0);
  });

  it("says how long ago a live node renewed its lease, and when another last did", () => {
    const live = node('a', { renewed_at: '2026-03-01T10:05:00Z' });
    expect(leaseWording(live, at('2026-03-01T10:05:07Z'))).toBe('renewed 7 s ago');
    expect(leaseWording(live, at('2026-03-01T10:06:30Z'))).toBe('renewed 1 min 30 s ago');
    expect(leaseWording(live, at('2026-03-01T10:05:00.400Z'))).toBe('renewed just now');
    // A browser clock behind the database's: not "renewed -2 s ago".
    expect(leaseWording(live, at('2026-03-01T10:04:58Z'))).toBe('renewed just now');
    const stopped = node('b', { state: 'stopped' });
    expect(leaseWording(stopped, at('2026-03-01T10:05:07Z'))).toBe(`last renewed ${formatTime(stopped.renewed_at)}`);
  });

  it('names the lease in the caption', () => {
    expect(leaseCaption(10)).toBe(
      'Each node renews a 10 s lease; a node whose lease runs out is marked lost and its runs are interrupted by another node.',
    );
    expect(leaseCaption(90)).toContain('renews a 1 min 30 s lease;');
  });
});

describe('state wording', () => {
  it('says when a lost node was lost and which node interrupted its runs', () => {
    const lost = node('a', { state: 'lost', lost_at: '2026-03-01T10:06:00Z', lost_to: 'b' });
    expect(lostWording(lost)).toBe(`lost at ${formatTime('2026-03-01T10:06:00Z')}, its runs were interrupted by b`);
    expect(lostWording(node('a', { state: 'lost' }))).toBe('lost, its runs were interrupted by another node');
    expect(lostWording(node('a'))).toBeNull();
    expect(lostWording(node('a', { state: 'stopped', lost_to: 'b' }))).toBeNull();
  });

  it('counts the runs of a live node against its capacity, and none for the others', () => {
    expect(runsWording(node('a', { running: 1, capacity: 2 }))).toBe('1 of 2 running');
    expect(runsWording(node('a', { running: 0, capacity: 8 }))).toBe('0 of 8 running');
    expect(runsWording(node('a', { state: 'lost', running: 1, capacity: 2 }))).toBe('none running (up to 2 at once)');
  });

  it('words the enforcement, with a warning for rlimits only', () => {
    expect(enforcementWording('cgroup_v2')).toEqual({ label: 'cgroup v2', warning: null });
    expect(enforcementWording('cgroup_v1')).toEqual({ label: 'cgroup v1', warning: null });
    const rlimit = enforcementWording('rlimit');
    expect(rlimit.label).toBe('rlimits only');
    expect(rlimit.warning).toMatch(/^weaker: memory is capped per process/);
  });
});

describe('trees and versions', () => {
  it('shows the first 8 hex digits of a fingerprint', () => {
    expect(shortFingerprint('0123456789abcdef')).toBe('01234567');
    expect(shortFingerprint('')).toBe('unknown');
  });

  it('flags nothing when the live nodes run one version, or there is one node', () => {
    expect(versionNotes([node('a')]).size).toBe(0);
    expect(versionNotes([node('a'), node('b'), node('c')]).size).toBe(0);
    expect(versionNotes([]).size).toBe(0);
  });

  it('flags the live node outside the version most live nodes run', () => {
    const notes = versionNotes([node('a'), node('b', { version: '0.2.0' }), node('c')]);
    expect([...notes.keys()]).toEqual(['b']);
    expect(notes.get('b')).toBe('differs from the version most nodes run (0.1.0)');
  });

  it('flags every live node when no version is run by more of them', () => {
    const notes = versionNotes([node('a'), node('b', { version: '0.2.0' })]);
    expect([...notes.keys()].sort()).toEqual(['a', 'b']);
    expect(notes.get('a')).toBe('the live nodes run different versions');
  });

  it('leaves out nodes that are not live, on either side', () => {
    // An old version that stopped is no concern, and does not make the live nodes a minority.
    const nodes = [node('a', { version: '0.2.0' }), node('b', { state: 'stopped' }), node('c', { state: 'lost' })];
    expect(versionNotes(nodes).size).toBe(0);
  });
});

describe('links', () => {
  it('links only to an http(s) address', () => {
    expect(safeHref('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(safeHref('https://bay.example.org/')).toBe('https://bay.example.org/');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
    expect(safeHref('')).toBeNull();
  });
});
