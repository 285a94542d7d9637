import { describe, expect, it } from 'vitest';

import type { Environment, Problem } from './api';
import {
  environmentOption,
  firstFreeEnvironment,
  linePlace,
  problemText,
  queueNote,
  waitingCount,
  waitingRequest,
  waitingTotal,
} from './environmentLine';
import { runRequest } from './runForm';

const busy: Problem = {
  code: 'environment_busy',
  field: 'environment',
  run_id: 12,
  message: 'environment 9 is held by run 12 until it ends; ask with `wait_for_environment` to wait in line for it',
};

describe('a busy environment', () => {
  it('is told without the API hint the page has a button for', () => {
    expect(problemText(busy)).toBe('environment 9 is held by run 12 until it ends');
    expect(problemText({ ...busy, message: 'environment 9 is held by run 12 until it ends' })).toBe(
      'environment 9 is held by run 12 until it ends',
    );
    // Other problems keep their whole message, semicolons and all.
    const other: Problem = { code: 'invalid_field', message: 'bad; ask with `wait_for_environment` to wait in line for it' };
    expect(problemText(other)).toBe(other.message);
  });

  it('is asked for again, waiting in line, with the same request', () => {
    const request = runRequest('ada', { environment: 9, paths: ['math'], variables: { A: '1' }, timeout_s: 60 }, 'nightly');
    expect(waitingRequest(request)).toEqual({ ...request, wait_for_environment: true });
    expect(request).not.toHaveProperty('wait_for_environment');
    const rerun: { failed_only?: boolean; wait_for_environment?: boolean } = { failed_only: true };
    expect(waitingRequest(rerun)).toEqual({ failed_only: true, wait_for_environment: true });
  });
});

describe('the environment picker', () => {
  const environments: Environment[] = [
    { id: 1, run_id: 12, waiting: [15, 16] },
    { id: 2, run_id: 13, waiting: [] },
    { id: 3, run_id: null, waiting: [17] },
    { id: 4, waiting: [] },
  ];

  it('says who holds each environment and how many wait for it', () => {
    expect(environments.map(environmentOption)).toEqual(['1 — busy: run #12, 2 waiting', '2 — busy: run #13', '3 — 1 waiting', '4']);
  });

  it('starts with the first environment nobody holds or waits for', () => {
    expect(firstFreeEnvironment(environments)).toBe(4);
    expect(firstFreeEnvironment(environments.slice(0, 3))).toBe(3);
    expect(firstFreeEnvironment(environments.slice(0, 2))).toBe(1);
    expect(firstFreeEnvironment([])).toBe(1);
  });
});

describe('the line for an environment', () => {
  const run = { id: 16, environment: 9, waiting_for_environment: true, line_position: 3 };
  const environment: Environment = { id: 9, run_id: 12, waiting: [15, 16] };

  it('is nothing for a run not in line', () => {
    expect(linePlace({ ...run, waiting_for_environment: false, line_position: null }, environment)).toBeNull();
  });

  it("takes the run's place and the holder from the environment, fresher than the run", () => {
    expect(linePlace(run, environment)).toEqual({ environment: 9, position: 2, holder: 12 });
  });

  it("falls back on the run's own place while the environment is not known", () => {
    expect(linePlace(run, null)).toEqual({ environment: 9, position: 3, holder: null });
    expect(linePlace({ ...run, line_position: null }, undefined)).toEqual({ environment: 9, position: null, holder: null });
    // Another environment's line says nothing of this run's.
    expect(linePlace(run, { ...environment, id: 8 })).toEqual({ environment: 9, position: 3, holder: null });
    // Not listed (yet): the run's own place, with the holder.
    expect(linePlace(run, { ...environment, waiting: [15] })).toEqual({ environment: 9, position: 3, holder: 12 });
  });

  it('names no holder once the environment has been handed to the run itself', () => {
    expect(linePlace(run, { id: 9, run_id: 16, waiting: [] })).toEqual({ environment: 9, position: 3, holder: null });
  });

  it('counts who waits, per environment and in all', () => {
    expect(waitingCount(1)).toBe('1 waiting');
    expect(waitingCount(2)).toBe('2 waiting');
    expect(waitingTotal([{ waiting: [] }, { waiting: [] }])).toBeNull();
    expect(waitingTotal([{ waiting: [15] }, { waiting: [] }])).toBe('1 run waits in line');
    expect(waitingTotal([{ waiting: [15, 16] }, { waiting: [17] }])).toBe('3 runs wait in line');
  });
});

describe("the runs list's note on a queued run", () => {
  const queued = { environment: 9, waiting_for_environment: false, line_position: null, queue_position: null };

  it('gives the place in line for the environment, or in the queue', () => {
    expect(queueNote({ ...queued, waiting_for_environment: true, line_position: 1 })).toBe('#1 in line for env 9');
    expect(queueNote({ ...queued, waiting_for_environment: true })).toBe('in line for env 9');
    expect(queueNote({ ...queued, queue_position: 4 })).toBe('#4 in queue');
    expect(queueNote(queued)).toBeNull();
  });
});
