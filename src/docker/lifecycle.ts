import type Dockerode from 'dockerode';
import { statusCode } from './errors.js';
import type { ContainerStatus } from './types.js';

/** The engine's zero time, which `StartedAt` and `FinishedAt` hold before the first start or stop. */
const zeroYear = '0001-01-01';

/**
 * Stops a container: the engine sends its stop signal (SIGTERM unless the
 * image sets another), waits `timeoutSeconds`, then sends SIGKILL. Returns
 * false when the container was not running (HTTP 304).
 */
export async function stopContainer(
  docker: Dockerode,
  id: string,
  timeoutSeconds: number,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    await docker.getContainer(id).stop({ t: timeoutSeconds, abortSignal: signal });
    return true;
  } catch (error) {
    if (statusCode(error) === 304) return false;
    throw error;
  }
}

/** Starts a container; returns false when it was already running (HTTP 304). */
export async function startContainer(
  docker: Dockerode,
  id: string,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    await docker.getContainer(id).start({ abortSignal: signal });
    return true;
  } catch (error) {
    if (statusCode(error) === 304) return false;
    throw error;
  }
}

/** Maps an inspect response to the state a restart waits on. */
export function toContainerStatus(inspect: Dockerode.ContainerInspectInfo): ContainerStatus {
  const state = inspect.State;
  const health = state.Health as
    | {
        Status: string;
        Log?: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
      }
    | undefined;
  const lastProbe = health?.Log?.at(-1);
  return {
    id: inspect.Id,
    name: inspect.Name.replace(/^\//, ''),
    state: state.Status,
    exitCode: state.ExitCode,
    oomKilled: state.OOMKilled,
    error: state.Error || null,
    startedAt: parseEngineTime(state.StartedAt),
    finishedAt: parseEngineTime(state.FinishedAt),
    restartCount: inspect.RestartCount ?? 0,
    hasHealthcheck: hasHealthcheck(inspect),
    health: health?.Status ?? null,
    lastProbe: lastProbe
      ? {
          startedAt: parseEngineTime(lastProbe.Start),
          exitCode: lastProbe.ExitCode,
          output: lastProbe.Output.trim(),
        }
      : null,
  };
}

function hasHealthcheck(inspect: Dockerode.ContainerInspectInfo): boolean {
  const test = inspect.Config?.Healthcheck?.Test;
  return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
}

function parseEngineTime(text: string | undefined): Date | null {
  if (!text || text.startsWith(zeroYear)) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}
