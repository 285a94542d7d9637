// Runs waiting in line for a held environment, as the pages tell them: a run created with
// `wait_for_environment` while another run holds its environment is stored queued and gets the
// environment when the runs before it end, first come, first served.

import type { Environment, Problem, Run } from './api';

/**
 * The API's hint at the end of an `environment_busy` message, for scripts: the page offers a
 * button instead.
 */
const WAIT_HINT = /;\s*ask with `wait_for_environment`.*$/s;

/** A problem's message as the page shows it: a busy environment's without the API's hint. */
export function problemText(problem: Problem): string {
  return problem.code === 'environment_busy' ? problem.message.replace(WAIT_HINT, '') : problem.message;
}

/** The same request, waiting in line for the environment if another run holds it. */
export function waitingRequest<T extends { wait_for_environment?: boolean | null }>(request: T): T {
  return { ...request, wait_for_environment: true };
}

/** "1 waiting", "2 waiting": how many runs wait in line for one environment. */
export function waitingCount(count: number): string {
  return `${count} waiting`;
}

/** The Environments page's head: how many runs wait in line, for any environment; none when none do. */
export function waitingTotal(environments: Pick<Environment, 'waiting'>[]): string | null {
  const total = environments.reduce((sum, environment) => sum + environment.waiting.length, 0);
  if (total === 0) return null;
  return `${total} ${total === 1 ? 'run waits' : 'runs wait'} in line`;
}

/** An environment in the new-run form's picker: who holds it and how many wait in line for it. */
export function environmentOption(environment: Environment): string {
  const waiting = environment.waiting.length > 0 ? waitingCount(environment.waiting.length) : null;
  if (environment.run_id) return `${environment.id} — busy: run #${environment.run_id}${waiting ? `, ${waiting}` : ''}`;
  return waiting ? `${environment.id} — ${waiting}` : `${environment.id}`;
}

/** The environment the new-run form starts with: the first nobody holds or waits for, else 1. */
export function firstFreeEnvironment(environments: Environment[]): number {
  return (
    environments.find((e) => !e.run_id && e.waiting.length === 0)?.id ?? environments.find((e) => !e.run_id)?.id ?? 1
  );
}

/** Where a run waiting in line stands: its environment, its place and the run holding it. */
export interface LinePlace {
  environment: number;
  /** 1 is next after the holder; null when not known. */
  position: number | null;
  /** The run holding the environment; null when not known (or just handed on). */
  holder: number | null;
}

/**
 * Where `run` waits, if it waits in line: its environment's line (`GET /environments`, fresher
 * than the run's own `line_position`, which the live events leave out) gives its place and the
 * holder; the run's own place when the environment is not known or does not list it yet.
 */
export function linePlace(
  run: Pick<Run, 'id' | 'environment' | 'waiting_for_environment' | 'line_position'>,
  environment: Environment | null | undefined,
): LinePlace | null {
  if (!run.waiting_for_environment) return null;
  const mine = environment?.id === run.environment ? environment : null;
  const index = mine?.waiting.indexOf(run.id) ?? -1;
  const holder = mine?.run_id ?? null;
  return {
    environment: run.environment,
    position: index >= 0 ? index + 1 : (run.line_position ?? null),
    holder: holder === run.id ? null : holder,
  };
}

/** The runs list's note next to a queued run's status: its place in line, or in the queue. */
export function queueNote(run: Pick<Run, 'environment' | 'waiting_for_environment' | 'line_position' | 'queue_position'>): string | null {
  if (run.waiting_for_environment) {
    return `${run.line_position ? `#${run.line_position} ` : ''}in line for env ${run.environment}`;
  }
  return run.queue_position ? `#${run.queue_position} in queue` : null;
}
