import { timeoutSignal } from '../abort.js';
import type { ContainerInfo, ContainerMemory, DockerEngine } from './types.js';

export interface ContainerWithMemory {
  container: ContainerInfo;
  /** Null when the container is not running, its stats were not measured, or were empty. */
  memory: ContainerMemory | null;
  /** Error message of a failed stats call, or null. */
  memoryError: string | null;
  /**
   * How long the stats call waited before `statsDeadline` ended it, in
   * milliseconds, or null when the call ended by itself.
   */
  memoryWaitedMs: number | null;
}

export interface ProjectMemoryOptions {
  signal?: AbortSignal;
  /**
   * Time by which every stats call must end, in milliseconds since the epoch.
   * A call still waiting then is abandoned and its container is listed
   * without memory, so that a caller with a deadline can still report it.
   */
  statsDeadline?: number;
}

/**
 * Lists the containers of a compose project with their memory. Stats are
 * requested only for running containers, concurrently; a failed or
 * abandoned stats call is recorded on that container instead of failing the
 * whole list.
 */
export async function listProjectMemory(
  engine: DockerEngine,
  project: string,
  { signal, statsDeadline }: ProjectMemoryOptions = {},
): Promise<ContainerWithMemory[]> {
  const containers = await engine.listProjectContainers(project, { signal });
  const started = Date.now();
  const budgetMs =
    statsDeadline === undefined ? null : Math.max(0, Math.floor(statsDeadline - started));
  const statsSignal = budgetMs === null ? signal : timeoutSignal(budgetMs, signal);
  return Promise.all(
    containers.map(async (container): Promise<ContainerWithMemory> => {
      const result = { container, memory: null, memoryError: null, memoryWaitedMs: null };
      if (container.state !== 'running') return result;
      try {
        const memory = await engine.containerMemory(container.id, { signal: statsSignal });
        return { ...result, memory };
      } catch (error) {
        signal?.throwIfAborted();
        if (statsSignal?.aborted) return { ...result, memoryWaitedMs: Date.now() - started };
        return { ...result, memoryError: (error as Error).message };
      }
    }),
  );
}
