import type { ContainerInfo } from '../docker/types.js';
import { readHostMemory } from '../host/meminfo.js';
import { formatBytes, formatDuration, formatPercent } from '../output/format.js';

/** One --if-* condition and whether it holds now. */
export interface ConditionResult {
  name: 'uptime' | 'memory';
  holds: boolean;
  /** The measured value and the threshold, in words. */
  summary: string;
  /** Measured value: uptime in milliseconds or memory in use in percent; null when not measured. */
  value: number | null;
  threshold: number;
}

/**
 * Compares the uptime of the backend service's oldest running container
 * with `thresholdMs`. A backend that does not run has no uptime, so the
 * condition does not hold: a stack stopped on purpose stays stopped.
 */
export function uptimeCondition(
  containers: ContainerInfo[],
  backendService: string,
  thresholdMs: number,
  now: Date,
): ConditionResult {
  const running = containers.filter(
    (container) =>
      container.service === backendService &&
      container.state === 'running' &&
      container.startedAt !== null,
  );
  const base = { name: 'uptime' as const, threshold: thresholdMs };
  if (running.length === 0) {
    return {
      ...base,
      holds: false,
      value: null,
      summary: `no running container of service ${backendService} (backendService), so it has no uptime to compare with ${formatDuration(thresholdMs)}`,
    };
  }
  const uptimeMs = Math.max(
    ...running.map((container) => now.getTime() - (container.startedAt as Date).getTime()),
  );
  const holds = uptimeMs > thresholdMs;
  return {
    ...base,
    holds,
    value: uptimeMs,
    summary: `${backendService} up ${formatDuration(uptimeMs)}, ${holds ? 'over' : 'not over'} ${formatDuration(thresholdMs)}`,
  };
}

/** Compares the host's memory in use (total minus available, from /proc/meminfo) with `percent`. */
export async function memoryCondition(procRoot: string, percent: number): Promise<ConditionResult> {
  const memory = await readHostMemory(procRoot);
  const usedPercent = (memory.usedBytes / memory.totalBytes) * 100;
  const holds = usedPercent > percent;
  return {
    name: 'memory',
    holds,
    value: usedPercent,
    threshold: percent,
    summary: `host memory ${formatPercent(usedPercent / 100)} in use (${formatBytes(memory.usedBytes)} of ${formatBytes(memory.totalBytes)}), ${holds ? 'over' : 'not over'} ${percent}%`,
  };
}

/** Parses `85`, `85%` or `85.5%` into a percentage in (0, 100], or undefined. */
export function parsePercent(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*%?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return value > 0 && value <= 100 ? value : undefined;
}
