// The typed API client: every shape comes from the generated OpenAPI types.

import createClient from 'openapi-fetch';

import type { components, paths } from './schema';
import { authorization, refused } from './session.svelte';

export type Run = components['schemas']['RunView'];
export type RunStatus = components['schemas']['RunStatusView'];
export type TestResult = components['schemas']['TestResultView'];
export type Problem = components['schemas']['Problem'];
export type TreeEntry = components['schemas']['TreeEntryView'];
export type Environment = components['schemas']['EnvironmentView'];
export type SystemInfo = components['schemas']['SystemView'];
export type ListStreamEvent = components['schemas']['ListStreamEvent'];
export type Template = components['schemas']['TemplateView'];
export type TemplateRequest = components['schemas']['TemplateRequest'];
export type CreateRunRequest = components['schemas']['CreateRunRequest'];

export const api = createClient<paths>({ baseUrl: '/api' });

// Every request carries the token, if the page has one; a 401 asks the person to sign in.
api.use({
  onRequest({ request }) {
    for (const [name, value] of Object.entries(authorization())) request.headers.set(name, value);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) refused();
    return response;
  },
});

export const FINAL_STATUSES: RunStatus[] = ['passed', 'failed', 'error', 'cancelled', 'timed_out', 'interrupted'];
export const ALL_STATUSES: RunStatus[] = ['queued', 'running', ...FINAL_STATUSES];

/** The browser remembers the user's name under this key, for new runs and reruns. */
export const USER_KEY = 'testbay.user';

export function isActive(run: Run): boolean {
  return run.status === 'queued' || run.status === 'running';
}

/** A problem to show, from an API error body or a failed fetch. */
export function problemOf(error: unknown, fallback = 'the request failed'): Problem {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) return error as Problem;
  if (error instanceof Error) return { code: 'network', message: `${fallback}: ${error.message}` };
  return { code: 'unknown', message: fallback };
}

/**
 * The items of a list the API answers (`{items: [...]}`), or the problem to show instead;
 * `what` names the list for a failed fetch ("the templates").
 */
export async function listItems<T>(
  request: () => Promise<{ data?: { items: T[] }; error?: unknown }>,
  what: string,
): Promise<{ items: T[] } | { problem: Problem }> {
  try {
    const { data, error } = await request();
    if (data) return { items: data.items };
    return { problem: problemOf(error) };
  } catch (error) {
    return { problem: problemOf(error, `cannot load ${what}`) };
  }
}

/** Seconds as people read them: 0.3 ms, 250 ms, 4.2 s, 12 s, 3 min 5 s, 1 h 2 min. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  // Many tests take well under a millisecond; "0 ms" would hide how much under.
  if (seconds < 0.00005) return '< 0.1 ms';
  if (seconds < 0.01) return `${(seconds * 1000).toFixed(1)} ms`;
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatTime(time: string | null | undefined): string {
  if (!time) return '—';
  return new Date(time).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
