import { timeoutSignal } from '../abort.js';
import type { ControlClient } from '../control/client.js';
import type { DockerEngine } from '../docker/types.js';
import { WrError } from '../errors.js';
import { recreateServiceCommand } from '../health/remedies.js';
import { memoryCondition, uptimeCondition, type ConditionResult } from './conditions.js';
import { findConfigDrift, type ConfigDrift } from './config-hash.js';
import { executePlan, type Execution } from './execute.js';
import { acquireRestartLock, type LockOwner } from './lock.js';
import { buildPlan, type RestartPlan } from './plan.js';
import { describeNext } from './next.js';
import type { ContainerOutcome, StepEvent } from './steps.js';
import { waitForSync, type SyncOutcome, type SyncProgress } from './sync.js';

/** Time allowed to the control API to respond before the restart, in milliseconds. */
const controlProbeMs = 2_000;

export interface RestartRequest {
  project: string;
  /** Services to restart, or null for --all. */
  services: string[] | null;
  backendService: string;
  stopTimeoutMs: number;
  startTimeoutMs: number;
  /** Null with --no-wait. */
  syncTimeoutMs: number | null;
  dryRun: boolean;
  ifUptimeOverMs: number | null;
  ifMemoryOverPercent: number | null;
  lockDir: string;
}

export interface RestartDependencies {
  engine: DockerEngine;
  /** Client of the control API, or null when none is configured. */
  control: ControlClient | null;
  procRoot: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /**
   * Aborted on Ctrl-C. It ends the waits before and after the containers'
   * restart, but a restart of the containers that has begun runs to its end.
   */
  signal: AbortSignal;
  /** Receives the plan, each step and the sync progress as they happen. */
  emit: (event: RestartPlan | StepEvent | SyncProgress) => void;
  /** Sync poll interval in milliseconds; tests shorten it. */
  syncIntervalMs?: number;
}

export type SyncReport = SyncOutcome | { status: 'skipped'; reason: string };

export interface RestartResult {
  type: 'result';
  project: string;
  status: 'ok' | 'failed' | 'skipped' | 'dry-run';
  plan: RestartPlan;
  /** Results of --if-uptime-over and --if-memory-over; empty when none was given. */
  conditions: ConditionResult[];
  /** Reason nothing was restarted, or null. */
  reason: string | null;
  containers: ContainerOutcome[];
  sync: SyncReport | null;
  configDrift: ConfigDrift;
  error: { code: string; message: string; hint: string | null } | null;
  /** The dead process whose lock was taken over, or null. */
  staleLock: LockOwner | null;
  startedAt: string;
  durationMs: number;
  /** Next command for the operator, or null when all went well. */
  next: string | null;
}

/**
 * Restarts the compose project's containers as the plan orders them, under
 * the project's restart lock. With --if-* conditions it restarts only when
 * one of them holds; with --dry-run it only builds the plan.
 */
export async function restartProject(
  request: RestartRequest,
  dependencies: RestartDependencies,
): Promise<RestartResult> {
  const startedAt = dependencies.now();
  const containers = await dependencies.engine.listProjectContainers(request.project, {
    signal: dependencies.signal,
  });
  if (containers.length === 0) throw noContainersError(request.project);
  const plan = buildPlan(containers, request);
  const configDrift = await findConfigDrift(
    containers,
    request.project,
    dependencies.env,
    dependencies.signal,
  );
  plan.warnings.push(...driftWarnings(request.project, configDrift));
  dependencies.emit(plan);

  const base = baseResult(request.project, plan, configDrift, startedAt);
  const finish = (fields: Partial<RestartResult>): RestartResult => {
    const result = {
      ...base,
      ...fields,
      durationMs: dependencies.now().getTime() - startedAt.getTime(),
    };
    return { ...result, next: describeNext(result, request) };
  };
  if (request.dryRun) {
    return finish({
      status: 'dry-run',
      conditions: await evaluateConditions(request, containers, dependencies),
    });
  }

  const lock = await acquireRestartLock(request.lockDir, request.project, dependencies.now);
  try {
    const conditions = await evaluateConditions(request, containers, dependencies);
    if (conditions.length > 0 && !conditions.some((condition) => condition.holds)) {
      const reason = `no condition holds: ${conditions.map((condition) => condition.summary).join('; ')}`;
      return finish({ status: 'skipped', conditions, reason, staleLock: lock.takenOver });
    }
    const reachable = await controlReachable(request, dependencies);
    // An interrupt does not stop the containers' restart half-way, which would
    // leave services stopped: each step is bounded by its own timeout.
    const execution = await executePlan(dependencies.engine, plan, {
      ...dependencies,
      signal: new AbortController().signal,
      report: dependencies.emit,
    });
    const sync = await syncAfter(execution, reachable, request, dependencies);
    return finish({
      status: failed(execution, sync) ? 'failed' : 'ok',
      conditions,
      containers: execution.containers,
      sync,
      error: execution.engineError ? errorBody(execution.engineError) : null,
      staleLock: lock.takenOver,
    });
  } finally {
    await lock.release();
  }
}

function baseResult(
  project: string,
  plan: RestartPlan,
  configDrift: ConfigDrift,
  startedAt: Date,
): RestartResult {
  return {
    type: 'result',
    project,
    status: 'ok',
    plan,
    conditions: [],
    reason: null,
    containers: [],
    sync: null,
    configDrift,
    error: null,
    staleLock: null,
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    next: null,
  };
}

async function evaluateConditions(
  request: RestartRequest,
  containers: Parameters<typeof uptimeCondition>[0],
  dependencies: RestartDependencies,
): Promise<ConditionResult[]> {
  const conditions: ConditionResult[] = [];
  if (request.ifUptimeOverMs !== null) {
    conditions.push(
      uptimeCondition(
        containers,
        request.backendService,
        request.ifUptimeOverMs,
        dependencies.now(),
      ),
    );
  }
  if (request.ifMemoryOverPercent !== null) {
    conditions.push(await memoryCondition(dependencies.procRoot, request.ifMemoryOverPercent));
  }
  return conditions;
}

/**
 * Probes the control API before the restart. Only a host that responded
 * then is waited for afterwards: a deployment without one is not made to
 * wait for a host that never comes.
 */
async function controlReachable(
  request: RestartRequest,
  dependencies: RestartDependencies,
): Promise<boolean | string> {
  if (request.syncTimeoutMs === null) return '--no-wait was given';
  if (!dependencies.control) return 'no control API configured';
  const signal = timeoutSignal(controlProbeMs, dependencies.signal);
  return dependencies.control.health({ signal }).then(
    () => true,
    (error: Error) => `control API did not respond before the restart: ${error.message}`,
  );
}

async function syncAfter(
  execution: Execution,
  reachable: boolean | string,
  request: RestartRequest,
  dependencies: RestartDependencies,
): Promise<SyncReport> {
  if (typeof reachable === 'string') return { status: 'skipped', reason: reachable };
  if (dependencies.signal.aborted) return { status: 'skipped', reason: 'interrupted' };
  if (execution.engineError || execution.containers.some((outcome) => outcome.start !== 'ready')) {
    return { status: 'skipped', reason: 'not every container came back' };
  }
  return waitForSync(dependencies.control as ControlClient, {
    timeoutMs: request.syncTimeoutMs as number,
    signal: dependencies.signal,
    now: dependencies.now,
    onProgress: dependencies.emit,
    intervalMs: dependencies.syncIntervalMs,
  });
}

function failed(execution: Execution, sync: SyncReport): boolean {
  if (execution.engineError) return true;
  if (execution.containers.some((outcome) => outcome.start !== 'ready')) return true;
  return sync.status === 'timeout' || (sync.status === 'settled' && sync.pending.length > 0);
}

function driftWarnings(project: string, drift: ConfigDrift): string[] {
  return drift.changed.map(
    (service) =>
      `service ${service} was created from another configuration than its compose file now holds; a restart keeps the old one, so recreate it: ${recreateServiceCommand(project, service)}`,
  );
}

function errorBody(error: WrError): RestartResult['error'] {
  return { code: error.code, message: error.message, hint: error.hint ?? null };
}

function noContainersError(project: string): WrError {
  return new WrError('NO_CONTAINERS', `compose project ${project} has no containers`, {
    hint: 'check "project" in wr.config.json (or --project) against docker ps --format "{{.Label \\"com.docker.compose.project\\"}}"',
  });
}
