import type { DockerEngine } from '../docker/types.js';
import { WrError } from '../errors.js';
import { formatDuration } from '../output/format.js';
import type { PlannedService, RestartPlan } from './plan.js';
import type { ContainerOutcome, StepEvent, StepStatus } from './steps.js';
import { waitForReady } from './wait.js';

/** Lines of log shown for a container that did not come back. */
const logLines = 20;

/** The exit code of a process ended by SIGKILL. */
const killedExitCode = 137;

export interface ExecuteOptions {
  signal: AbortSignal;
  now: () => Date;
  /** Receives every step as it begins and ends. */
  report: (event: StepEvent) => void;
}

export interface Execution {
  containers: ContainerOutcome[];
  /** The engine error that ended the restart half-way, or null. */
  engineError: WrError | null;
}

type Planned = PlannedService['containers'][number];

/**
 * Runs the plan: stops services in reverse dependency order, then starts
 * them in dependency order, waiting for each service to be ready before its
 * dependants start. A service that does not come back causes its dependants
 * to be skipped; services that do not depend on it still start. When the
 * engine stops responding, the remaining steps are marked not-run.
 */
export async function executePlan(
  engine: DockerEngine,
  plan: RestartPlan,
  options: ExecuteOptions,
): Promise<Execution> {
  const outcomes = new Map<string, ContainerOutcome>();
  for (const service of plan.services) {
    for (const container of service.containers) {
      outcomes.set(container.id, emptyOutcome(service.service, container));
    }
  }
  const steps = new StepRunner(engine, plan, options, outcomes);
  let engineError: WrError | null = null;
  try {
    await steps.stopAll();
    await steps.startAll();
  } catch (error) {
    if (!(error instanceof WrError) || error.code !== 'DOCKER_UNREACHABLE') throw error;
    engineError = error;
    markNotRun(outcomes);
  }
  return { containers: [...outcomes.values()], engineError };
}

function emptyOutcome(service: string, container: Planned): ContainerOutcome {
  return {
    service,
    container: container.name,
    id: container.id,
    stop: null,
    stopMs: null,
    start: null,
    startMs: null,
    detail: null,
    logs: [],
  };
}

function markNotRun(outcomes: Map<string, ContainerOutcome>): void {
  for (const outcome of outcomes.values()) {
    if (outcome.stop === null || outcome.stop === 'began') outcome.stop = 'not-run';
    if (outcome.start === null || outcome.start === 'began') outcome.start = 'not-run';
  }
}

class StepRunner {
  private readonly byService: Map<string, PlannedService>;

  constructor(
    private readonly engine: DockerEngine,
    private readonly plan: RestartPlan,
    private readonly options: ExecuteOptions,
    private readonly outcomes: Map<string, ContainerOutcome>,
  ) {
    this.byService = new Map(plan.services.map((service) => [service.service, service]));
  }

  async stopAll(): Promise<void> {
    for (const name of this.plan.stopOrder) {
      const service = this.byService.get(name) as PlannedService;
      await Promise.all(service.containers.map((container) => this.stop(service, container)));
    }
  }

  async startAll(): Promise<void> {
    const down = new Set<string>();
    for (const name of this.plan.startOrder) {
      const service = this.byService.get(name) as PlannedService;
      const blockers = service.dependsOn.filter((dependency) => down.has(dependency));
      if (blockers.length > 0) {
        for (const container of service.containers) this.skip(service, container, blockers);
        down.add(name);
        continue;
      }
      const results = await Promise.all(
        service.containers.map((container) => this.start(service, container)),
      );
      if (results.some((status) => status !== 'ready')) down.add(name);
    }
  }

  private async stop(service: PlannedService, container: Planned): Promise<void> {
    const timeoutSeconds = Math.ceil(this.plan.stopTimeoutMs / 1000);
    const began = this.emit('stop', service, container, 'began');
    const timer = setTimeout(() => {
      const detail = `still running after ${formatDuration(timeoutSeconds * 1000)}; the engine sends SIGKILL`;
      this.emit('stop', service, container, 'killing', { detail });
    }, timeoutSeconds * 1000);
    try {
      const stopped = await this.engine.stopContainer(container.id, timeoutSeconds, {
        signal: this.options.signal,
      });
      const durationMs = this.elapsed(began);
      const status = stopped
        ? await this.stopStatus(container.id, durationMs, timeoutSeconds)
        : 'not-running';
      const detail =
        status === 'killed'
          ? `did not stop within ${formatDuration(timeoutSeconds * 1000)} of SIGTERM; killed`
          : null;
      this.finish('stop', service, container, status, durationMs, detail);
    } catch (error) {
      if (isEngineLost(error)) throw error;
      this.finish(
        'stop',
        service,
        container,
        'failed',
        this.elapsed(began),
        (error as Error).message,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private async stopStatus(
    id: string,
    durationMs: number,
    timeoutSeconds: number,
  ): Promise<StepStatus> {
    // A stop that ended before the timeout cannot have needed SIGKILL.
    if (durationMs < timeoutSeconds * 1000) return 'stopped';
    const status = await this.engine.containerStatus(id, { signal: this.options.signal });
    return status?.exitCode === killedExitCode ? 'killed' : 'stopped';
  }

  private async start(service: PlannedService, container: Planned): Promise<StepStatus> {
    const began = this.emit('start', service, container, 'began');
    const { signal } = this.options;
    let reason: string;
    try {
      await this.engine.startContainer(container.id, { signal });
      const baseline = await this.engine.containerStatus(container.id, { signal });
      const readiness = baseline
        ? await waitForReady(this.engine, baseline, this.plan.startTimeoutMs, signal)
        : { kind: 'failed' as const, reason: 'was removed while starting' };
      if (readiness.kind === 'ready') {
        this.finish('start', service, container, 'ready', this.elapsed(began), null);
        return 'ready';
      }
      reason = readiness.kind === 'failed' ? readiness.reason : readiness.state;
    } catch (error) {
      if (isEngineLost(error)) throw error;
      reason = `failed to start: ${(error as Error).message}`;
    }
    const logs = await this.engine
      .containerLogs(container.id, logLines, { signal })
      .catch(() => []);
    this.finish('start', service, container, 'failed', this.elapsed(began), reason, logs);
    return 'failed';
  }

  private skip(service: PlannedService, container: Planned, blockers: string[]): void {
    const detail = `not started because ${blockers.join(', ')}, which it depends on, did not come back`;
    this.finish('start', service, container, 'skipped', 0, detail);
  }

  private finish(
    action: 'stop' | 'start',
    service: PlannedService,
    container: Planned,
    status: StepStatus,
    durationMs: number,
    detail: string | null,
    logs?: string[],
  ): void {
    const outcome = this.outcomes.get(container.id) as ContainerOutcome;
    outcome[action] = status;
    outcome[action === 'stop' ? 'stopMs' : 'startMs'] = durationMs;
    if (detail) outcome.detail = detail;
    if (logs) outcome.logs = logs;
    this.emit(action, service, container, status, { durationMs, detail, logs });
  }

  private emit(
    action: 'stop' | 'start',
    service: PlannedService,
    container: Planned,
    status: StepStatus,
    extra: { durationMs?: number; detail?: string | null; logs?: string[] } = {},
  ): number {
    const at = this.options.now();
    if (status === 'began') (this.outcomes.get(container.id) as ContainerOutcome)[action] = 'began';
    this.options.report({
      type: 'step',
      action,
      service: service.service,
      container: container.name,
      status,
      at: at.toISOString(),
      durationMs: extra.durationMs ?? null,
      detail: extra.detail ?? null,
      ...(extra.logs && extra.logs.length > 0 ? { logs: extra.logs } : {}),
    });
    return at.getTime();
  }

  private elapsed(began: number): number {
    return this.options.now().getTime() - began;
  }
}

function isEngineLost(error: unknown): boolean {
  return error instanceof WrError && error.code === 'DOCKER_UNREACHABLE';
}
