import type { ContainerStatus } from '../docker/types.js';

/** Conclusion of the wait after a start, drawn from one inspect. */
export type Readiness =
  { kind: 'ready' } | { kind: 'waiting'; state: string } | { kind: 'failed'; reason: string };

/**
 * Judges a container after its start. `baseline` is the status right after
 * the start call: a later start time or restart count means the container
 * restarted. Health probes count only when they began at or after the new
 * start, so a `healthy` left from before the restart is not taken for the
 * new one.
 */
export function judgeReadiness(
  status: ContainerStatus | null,
  baseline: ContainerStatus,
): Readiness {
  if (status === null) return { kind: 'failed', reason: 'was removed while starting' };
  if (status.state === 'exited' || status.state === 'dead') {
    return { kind: 'failed', reason: exitReason(status) };
  }
  if (status.state === 'restarting' || restartedSince(status, baseline)) {
    return { kind: 'failed', reason: `restarted while starting (${describeExit(status)})` };
  }
  if (status.state !== 'running') return { kind: 'waiting', state: status.state };
  // NOTE: without a healthcheck, running is the only state the engine
  // reports, so a container that crashes just after that counts as ready.
  if (!status.hasHealthcheck) return { kind: 'ready' };

  const started = status.startedAt?.getTime() ?? 0;
  const probe = status.lastProbe;
  const fresh = probe?.startedAt ? probe.startedAt.getTime() >= started : false;
  if (status.health === 'healthy' && fresh) return { kind: 'ready' };
  if (status.health === 'unhealthy' && fresh) {
    const output = probe?.output ? `: ${probe.output.split('\n').slice(-3).join(' ')}` : '';
    return {
      kind: 'failed',
      reason: `healthcheck failed (unhealthy, last probe exit code ${probe?.exitCode})${output}`,
    };
  }
  return { kind: 'waiting', state: 'health: starting' };
}

function restartedSince(status: ContainerStatus, baseline: ContainerStatus): boolean {
  if (status.restartCount > baseline.restartCount) return true;
  const now = status.startedAt?.getTime();
  const then = baseline.startedAt?.getTime();
  return now !== undefined && then !== undefined && now !== then;
}

function exitReason(status: ContainerStatus): string {
  if (status.error) return `failed to start: ${status.error}`;
  return `exited while starting (${describeExit(status)})`;
}

function describeExit(status: ContainerStatus): string {
  const oom = status.oomKilled ? ', killed for running out of memory' : '';
  return `exit code ${status.exitCode}${oom}`;
}
