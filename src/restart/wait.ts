import type { ContainerStatus, DockerEngine } from '../docker/types.js';
import { formatDuration } from '../output/format.js';
import { judgeReadiness, type Readiness } from './readiness.js';

/** How often the state is inspected when no event arrives, in milliseconds. */
const pollIntervalMs = 1_000;

/**
 * Waits until a started container runs and, when it has a healthcheck, a
 * probe that began after this start passes. Each engine event of the
 * container triggers an inspect at once; between events it inspects every
 * second. Returns at once when the container exits, restarts or turns
 * unhealthy, and with a timeout failure after `timeoutMs`.
 */
export async function waitForReady(
  engine: DockerEngine,
  baseline: ContainerStatus,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Readiness> {
  // Most containers without a healthcheck already run at the first inspect.
  const first = judgeReadiness(baseline, baseline);
  if (first.kind !== 'waiting') return first;

  const stop = new AbortController();
  const scope = AbortSignal.any([signal, stop.signal]);
  const wake = createWakeUp();
  void watchEvents(engine, baseline, scope, wake.trigger);
  const deadline = Date.now() + timeoutMs;
  let last: Readiness = { kind: 'waiting', state: baseline.state };
  try {
    for (;;) {
      const status = await engine.containerStatus(baseline.id, { signal });
      last = judgeReadiness(status, baseline);
      if (last.kind !== 'waiting') return last;
      const left = deadline - Date.now();
      if (left <= 0) break;
      await wake.wait(Math.min(left, pollIntervalMs), scope);
      signal.throwIfAborted();
    }
  } finally {
    stop.abort();
  }
  const state = last.kind === 'waiting' ? last.state : 'unknown';
  return { kind: 'failed', reason: `not ready within ${formatDuration(timeoutMs)} (${state})` };
}

/** Triggers a wake-up on every event; a failed event stream leaves the polling alone. */
async function watchEvents(
  engine: DockerEngine,
  baseline: ContainerStatus,
  signal: AbortSignal,
  trigger: () => void,
): Promise<void> {
  try {
    const since = baseline.startedAt ?? undefined;
    const events = engine.containerEvents([baseline.id], { signal, since });
    for (let next = await events.next(); !next.done; next = await events.next()) trigger();
  } catch {
    // Polling goes on without events.
  }
}

function createWakeUp() {
  let resolve: (() => void) | null = null;
  return {
    trigger: () => {
      resolve?.();
      resolve = null;
    },
    wait: (ms: number, signal: AbortSignal) =>
      new Promise<void>((done) => {
        const timer = setTimeout(finish, ms);
        signal.addEventListener('abort', finish, { once: true });
        resolve = finish;
        function finish() {
          clearTimeout(timer);
          signal.removeEventListener('abort', finish);
          done();
        }
      }),
  };
}
