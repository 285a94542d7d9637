import { describe, expect, it } from 'vitest';
import { byMemoryGrowth, chartColumns, formatGrowth, memoryRangeMib, withSample } from './resources';

describe('resource samples', () => {
  const points = [
    { at_s: 0, memory_bytes: 10 * 1024 * 1024, cpu_seconds: 0 },
    { at_s: 1, memory_bytes: 20 * 1024 * 1024, cpu_seconds: 0.5 },
    { at_s: 3, memory_bytes: 30 * 1024 * 1024, cpu_seconds: 2.5 },
  ];

  it('draws memory in MiB against the limit and CPU as % of a core between samples', () => {
    const [seconds, memory, limit, cpu] = chartColumns(points, 512 * 1024 * 1024);
    expect(seconds).toEqual([0, 1, 3]);
    expect(memory).toEqual([10, 20, 30]);
    expect(limit).toEqual([512, 512, 512]);
    expect(cpu).toEqual([null, 50, 100]);
  });

  it('scales memory to the limit or to the peak', () => {
    const columns = chartColumns(points, 512 * 1024 * 1024);
    expect(memoryRangeMib(columns, true)).toEqual([0, 512 * 1.05]);
    expect(memoryRangeMib(columns, false)).toEqual([0, 30 * 1.2]);
  });

  it('adds a live sample once', () => {
    const sample = { at_s: 4, memory_bytes: 1, cpu_seconds: 3 };
    const once = withSample(points, sample);
    expect(once).toHaveLength(4);
    expect(withSample(once, sample)).toBe(once);
  });
});

describe('memory growth per test', () => {
  const test = (node_id: string, growth: number | null) =>
    ({ node_id, outcome: 'passed', phase: 'call', duration_s: 0, failure: null, memory_bytes: null, memory_growth_bytes: growth }) as const;

  it('puts the test that grew memory most first, unknown figures last', () => {
    const sorted = byMemoryGrowth([test('a', 1024), test('b', null), test('c', 60 << 20), test('d', -5)]);
    expect(sorted.map((t) => t.node_id)).toEqual(['c', 'a', 'd', 'b']);
  });

  it('writes growth with its sign and unit', () => {
    expect(formatGrowth(61.2 * 1024 * 1024)).toBe('+61.2 MiB');
    expect(formatGrowth(-12 * 1024)).toBe('−12 KiB');
    expect(formatGrowth(0)).toBe('0 B');
    expect(formatGrowth(null)).toBe('—');
  });
});
