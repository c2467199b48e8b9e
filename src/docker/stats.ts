import type { ContainerMemory } from './types.js';

/** The `memory_stats` object of the engine's stats endpoint; empty for a stopped container. */
export interface RawMemoryStats {
  usage?: number;
  limit?: number;
  stats?: Record<string, number | undefined>;
}

/**
 * Computes the memory usage that `docker stats` shows: the cgroup's usage
 * minus its inactive file cache. That cache is `total_inactive_file` on
 * cgroup v1 and `inactive_file` on cgroup v2. Docker 19.03 and older
 * subtracted `cache` instead; current docker CLIs subtract the inactive file
 * pages, and so does this. Returns null when the stats hold no usage, as for
 * a container that is not running.
 */
export function memoryFromStats(memory: RawMemoryStats | undefined): ContainerMemory | null {
  if (!memory || typeof memory.usage !== 'number' || typeof memory.limit !== 'number') {
    return null;
  }
  const usage = memory.usage;
  const counters = memory.stats ?? {};
  const cgroupV1 = counters.total_inactive_file;
  const cgroupV2 = counters.inactive_file ?? 0;
  let usageBytes = usage;
  if (cgroupV1 !== undefined && cgroupV1 < usage) usageBytes = usage - cgroupV1;
  else if (cgroupV2 < usage) usageBytes = usage - cgroupV2;
  return { usageBytes, limitBytes: memory.limit };
}
