import type { ContainerInfo, ContainerMemory, DockerEngine } from './types.js';

export interface ContainerWithMemory {
  container: ContainerInfo;
  /** Null when the container is not running or the engine returned empty stats. */
  memory: ContainerMemory | null;
  /** Error message of a failed stats call, or null. */
  memoryError: string | null;
}

/**
 * Lists the containers of a compose project with their memory. Stats are
 * requested only for running containers, concurrently; a failed stats call
 * is recorded on that container instead of failing the whole list.
 */
export async function listProjectMemory(
  engine: DockerEngine,
  project: string,
  signal?: AbortSignal,
): Promise<ContainerWithMemory[]> {
  const containers = await engine.listProjectContainers(project, { signal });
  return Promise.all(
    containers.map(async (container): Promise<ContainerWithMemory> => {
      if (container.state !== 'running') return { container, memory: null, memoryError: null };
      try {
        const memory = await engine.containerMemory(container.id, { signal });
        return { container, memory, memoryError: null };
      } catch (error) {
        signal?.throwIfAborted();
        return { container, memory: null, memoryError: (error as Error).message };
      }
    }),
  );
}
