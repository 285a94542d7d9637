// A run's memory and CPU samples, turned into what the chart draws.

import type { TestResult } from './api';
import type { components } from './schema';

export type ResourcePoint = components['schemas']['ResourcePointView'];
export type Resources = components['schemas']['ResourceSeriesView'];

const MIB = 1024 * 1024;

/** The chart's columns: seconds, memory in MiB, the memory limit in MiB, CPU in % of a core. */
export type ChartColumns = [number[], number[], number[], (number | null)[]];

/**
 * Columns for uPlot. CPU is the CPU time used between two samples over the time between them
 * (100 % is one core busy); the first sample has none.
 */
export function chartColumns(points: ResourcePoint[], memoryLimitBytes: number): ChartColumns {
  const seconds = points.map((p) => p.at_s);
  const memory = points.map((p) => p.memory_bytes / MIB);
  const limit = points.map(() => memoryLimitBytes / MIB);
  const cpu = points.map((p, i) => {
    const previous = points[i - 1];
    if (previous === undefined) return null;
    const elapsed = p.at_s - previous.at_s;
    return elapsed > 0 ? Math.max(0, ((p.cpu_seconds - previous.cpu_seconds) / elapsed) * 100) : null;
  });
  return [seconds, memory, limit, cpu];
}

/** The memory axis in MiB: up to the limit (its line in view), or to a little above the peak. */
export function memoryRangeMib(columns: ChartColumns, againstLimit: boolean): [number, number] {
  const peak = Math.max(1, ...columns[1]);
  const limit = columns[2][0] ?? peak;
  return [0, againstLimit ? Math.max(limit, peak) * 1.05 : peak * 1.2];
}

/** Adds a live sample, unless the series already has it (a sample is sent once, but a reload may race it). */
export function withSample(points: ResourcePoint[], sample: ResourcePoint): ResourcePoint[] {
  const last = points.at(-1);
  if (last && sample.at_s <= last.at_s) return points;
  return [...points, sample];
}

/** What `memory_bytes` measures, in words, for the chart's caption. */
export function memoryMeaning(enforcement: Resources['enforcement']): string {
  if (enforcement === 'rlimit') return "resident memory of the run's process group (no cgroup here)";
  if (enforcement) return "memory of the run's cgroup, page cache included (what its limit counts)";
  return 'memory';
}

/** The tests that grew memory most first; those without a figure last, in run order. */
export function byMemoryGrowth(tests: TestResult[]): TestResult[] {
  const growth = (t: TestResult) => t.memory_growth_bytes ?? Number.NEGATIVE_INFINITY;
  return tests.map((t, i) => [t, i] as const).sort(([a, i], [b, j]) => growth(b) - growth(a) || i - j).map(([t]) => t);
}

/** `+61.2 MiB`, `−12 KiB`, `0 B`; a dash where it is not known. */
export function formatGrowth(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '—';
  const size = Math.abs(bytes);
  const text = size >= MIB ? `${(size / MIB).toFixed(1)} MiB` : size >= 1024 ? `${Math.round(size / 1024)} KiB` : `${size} B`;
  return bytes > 0 ? `+${text}` : bytes < 0 ? `−${text}` : text;
}
