// Telling people that a run they started has ended, with the system's notifications (the
// browser's Notification API), when they asked for it. Each run is told once, however many
// pages watch it.

import { USER_KEY, type Run } from './api';
import { session } from './session.svelte';

const WANTED_KEY = 'testbay.notify';
const TOLD_KEY = 'testbay.notified';
/** Runs remembered as told, newest last. */
const TOLD_KEPT = 200;

export function notificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

/** Whether this browser asked to be told, and may be. */
export function notificationsWanted(): boolean {
  return notificationsSupported() && localStorage.getItem(WANTED_KEY) === '1' && Notification.permission === 'granted';
}

/** Asks for the permission and remembers the choice; says whether notifications are on. */
export async function wantNotifications(on: boolean): Promise<boolean> {
  if (!on || !notificationsSupported()) {
    localStorage.removeItem(WANTED_KEY);
    return false;
  }
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') return false;
  localStorage.setItem(WANTED_KEY, '1');
  return true;
}

/** The run is this browser's user's: the signed-in user's, or the name this browser runs as. */
function isMine(run: Run): boolean {
  const me = session.caller?.kind === 'user' ? session.caller.name : localStorage.getItem(USER_KEY)?.trim();
  return !!me && (run.user === me || run.created_by === me);
}

/** The words of a run's end: `Run #12 failed`, `3 passed, 1 failed in environment 4`. */
export function endMessage(run: Run): { title: string; body: string } {
  const c = run.counts;
  const counts = [
    c.passed && `${c.passed} passed`,
    c.failed && `${c.failed} failed`,
    c.errors && `${c.errors} errors`,
    c.skipped && `${c.skipped} skipped`,
  ].filter(Boolean);
  const what = counts.length > 0 ? counts.join(', ') : 'no tests';
  return { title: `Run #${run.id} ${run.status.replace('_', ' ')}`, body: `${what} in environment ${run.environment}` };
}

/** How long after its end a run is still news. */
const NEWS_MS = 120_000;

/**
 * Tells of the end of `run` if it is this browser's user's, they want to be told, it ended a
 * moment ago (a list replayed after a reconnect is not news) and it has not been told.
 */
export function tellRunEnded(run: Run, now = Date.now()): void {
  if (!notificationsWanted() || !isMine(run)) return;
  if (!run.finished_at || now - Date.parse(run.finished_at) > NEWS_MS) return;
  const told: number[] = JSON.parse(localStorage.getItem(TOLD_KEY) ?? '[]');
  if (told.includes(run.id)) return;
  localStorage.setItem(TOLD_KEY, JSON.stringify([...told, run.id].slice(-TOLD_KEPT)));
  const { title, body } = endMessage(run);
  new Notification(title, { body, tag: `testbay-run-${run.id}` });
}
