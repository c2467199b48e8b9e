import { describe, expect, test } from 'vitest';
import { memoryFromStats } from '../../src/docker/stats.js';

describe('memoryFromStats', () => {
  test('cgroup v1 subtracts total_inactive_file', () => {
    const memory = memoryFromStats({
      usage: 10_000,
      limit: 50_000,
      stats: { total_inactive_file: 3_000, inactive_file: 1_000, cache: 4_000 },
    });
    expect(memory).toEqual({ usageBytes: 7_000, limitBytes: 50_000 });
  });

  test('cgroup v2 subtracts inactive_file', () => {
    const memory = memoryFromStats({
      usage: 10_000,
      limit: 50_000,
      stats: { inactive_file: 2_500, file: 4_000 },
    });
    expect(memory).toEqual({ usageBytes: 7_500, limitBytes: 50_000 });
  });

  test('cache larger than usage is ignored', () => {
    const memory = memoryFromStats({ usage: 1_000, limit: 5_000, stats: { inactive_file: 2_000 } });
    expect(memory?.usageBytes).toBe(1_000);
  });

  test('missing counters keep raw usage', () => {
    expect(memoryFromStats({ usage: 1_000, limit: 5_000 })?.usageBytes).toBe(1_000);
  });

  test('empty stats of stopped container', () => {
    expect(memoryFromStats({})).toBeNull();
    expect(memoryFromStats(undefined)).toBeNull();
  });
});
