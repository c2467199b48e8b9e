import { parseDuration } from '../../config/units.js';
import type { Config } from '../../config/schema.js';
import { listProjectMemory, type ContainerWithMemory } from '../../docker/project-memory.js';
import { WrError } from '../../errors.js';
import { formatBytes, formatDuration, formatPercent, plural } from '../../output/format.js';
import { memoryGrowthReason, restartServiceCommand, restartStackCommand } from '../remedies.js';
import type { Check, CheckOutcome } from '../types.js';

/**
 * Time kept between the end of the stats calls and the runner's deadline, in
 * milliseconds, so that containers whose stats are late are still reported.
 * A tenth of the time left is kept instead when that is shorter.
 */
// NOTE: chosen, not measured. Building the outcome is quick, so the margin is mostly for timers
// that fire late on a busy event loop.
const statsMarginMs = 250;

/** One container as the docker check reports it. */
interface ContainerReport {
  name: string;
  service: string;
  state: string;
  health: string | null;
  startedAt: string | null;
  uptimeMs: number | null;
  restartCount: number;
  /** Whether this backend container has run longer than thresholds.uptime. */
  overUptime: boolean;
  /** `limited` is false when the container has no limit and limitBytes is the host's memory. */
  memory: { usageBytes: number; limitBytes: number; limited: boolean; percent: number } | null;
  /** How long the stats call waited before the deadline ended it, or null. */
  memoryWaitedMs: number | null;
  /** Reasons for a fail: not running, unhealthy, restarting. */
  problems: string[];
  /** Reasons for a warn: restarts, memory or uptime over the thresholds. */
  warnings: string[];
}

/**
 * Checks that the Docker engine responds and that every container of the
 * compose project runs, is healthy and stays under the memory and uptime
 * thresholds.
 */
export const dockerCheck: Check = {
  id: 'docker',
  title: 'Docker',
  async run(environment) {
    const { config, signal } = environment;
    const host = config.docker.host ?? '';
    const engine = environment.docker();

    let version: { version: string; apiVersion: string };
    try {
      version = await engine.version({ signal });
    } catch (error) {
      return engineFailure(error, { host });
    }
    const details: Record<string, unknown> = { engine: { ...version, host }, containers: [] };
    const headline = `Docker ${version.version} at ${host}`;
    if (!config.project) {
      return {
        status: 'skip',
        summary: `${headline}; "project" is not set, so there are no compose containers to check`,
        details,
        remedy: 'set project in wr.config.json',
      };
    }

    let listed: ContainerWithMemory[];
    try {
      listed = await listProjectMemory(engine, config.project, {
        signal,
        statsDeadline: statsDeadline(environment.deadline),
      });
    } catch (error) {
      return engineFailure(error, details);
    }
    if (listed.length === 0) return noContainers(headline, config.project, details);

    const reports = listed.map((entry) => reportContainer(entry, config, environment.now()));
    details.containers = reports;
    return judge(headline, config, reports, details);
  },
};

/**
 * Returns the time by which stats calls must end, a margin before the
 * check's `deadline`. dockerd 20.10 sends the response to a one-shot stats
 * request after its next collection, up to about 1 s later, so under a
 * short doctor timeout the stats may not arrive in time.
 */
export function statsDeadline(deadline: number | undefined): number | undefined {
  if (deadline === undefined) return undefined;
  const timeLeftMs = deadline - Date.now();
  return deadline - Math.max(0, Math.min(statsMarginMs, timeLeftMs / 10));
}

function engineFailure(error: unknown, details: Record<string, unknown>): CheckOutcome {
  if (!(error instanceof WrError)) throw error;
  return { status: 'fail', summary: error.message, details, remedy: error.hint ?? null };
}

function noContainers(
  headline: string,
  project: string,
  details: Record<string, unknown>,
): CheckOutcome {
  return {
    status: 'fail',
    summary: `${headline}: no containers have the label com.docker.compose.project=${project}`,
    details,
    remedy: `check "project" in wr.config.json against docker ps -a --filter label=com.docker.compose.project=${project}, or start the stack with docker compose up -d`,
  };
}

function reportContainer(
  { container, memory, memoryWaitedMs }: ContainerWithMemory,
  config: Config,
  now: Date,
): ContainerReport {
  const running = container.state === 'running';
  const uptimeMs =
    running && container.startedAt ? now.getTime() - container.startedAt.getTime() : null;
  const report: ContainerReport = {
    name: container.name,
    service: container.service,
    state: container.state,
    health: container.health,
    startedAt: container.startedAt?.toISOString() ?? null,
    uptimeMs,
    restartCount: container.restartCount,
    overUptime: false,
    memory: memory && {
      ...memory,
      limited: container.memoryLimitBytes !== null,
      percent: memory.limitBytes > 0 ? roundPercent(memory.usageBytes / memory.limitBytes) : 0,
    },
    memoryWaitedMs,
    problems: [],
    warnings: [],
  };
  addFindings(report, config);
  return report;
}

function addFindings(report: ContainerReport, config: Config): void {
  if (report.state === 'restarting') report.problems.push('is restarting');
  else if (report.state !== 'running') report.problems.push(`is not running (${report.state})`);
  if (report.health === 'unhealthy') report.problems.push('is unhealthy');

  if (report.restartCount > 0) {
    const times = report.restartCount === 1 ? 'once' : `${report.restartCount} times`;
    report.warnings.push(`restarted ${times} by its restart policy`);
  }
  const { ramPercent, uptime } = config.thresholds;
  const memory = report.memory;
  if (memory && memory.limitBytes > 0 && memory.usageBytes / memory.limitBytes > ramPercent / 100) {
    report.warnings.push(
      `uses ${formatPercent(memory.usageBytes / memory.limitBytes)} of its memory limit (over ${ramPercent}%)`,
    );
  }
  const uptimeLimitMs = parseDuration(uptime) ?? Infinity;
  if (
    report.service === config.backendService &&
    report.uptimeMs !== null &&
    report.uptimeMs > uptimeLimitMs
  ) {
    report.overUptime = true;
    report.warnings.push(
      `up ${formatDuration(report.uptimeMs)}, over the ${uptime} uptime threshold; ${memoryGrowthReason}`,
    );
  }
}

function judge(
  headline: string,
  config: Config,
  reports: ContainerReport[],
  details: Record<string, unknown>,
): CheckOutcome {
  const failing = reports.filter((report) => report.problems.length > 0);
  const warning = reports.filter((report) => report.warnings.length > 0);
  const listing = reports.map(describeContainer).join('; ');
  if (failing.length > 0) {
    const findings = failing.map((report) => `${report.name} ${report.problems.join(' and ')}`);
    return {
      status: 'fail',
      summary: `${headline}: ${findings.join('; ')}. Containers: ${listing}`,
      details,
      remedy: restartRemedy(config, failing, false),
    };
  }
  if (warning.length > 0) {
    const findings = warning.map((report) => `${report.name} ${report.warnings.join(' and ')}`);
    const uptimeWarning = warning.some((report) => report.overUptime);
    return {
      status: 'warn',
      summary: `${headline}: ${findings.join('; ')}. Containers: ${listing}`,
      details,
      remedy: restartRemedy(config, warning, uptimeWarning),
    };
  }
  return {
    status: 'ok',
    summary: `${headline}: ${plural(reports.length, 'container')} of ${config.project} running. ${listing}`,
    details,
    remedy: null,
  };
}

/** Restarts the one service concerned, or the whole stack for several services or old uptime. */
function restartRemedy(config: Config, reports: ContainerReport[], wholeStack: boolean): string {
  const services = [...new Set(reports.map((report) => report.service))];
  const [service] = services;
  if (wholeStack || services.length !== 1 || service === undefined) {
    return restartStackCommand(config.project);
  }
  return restartServiceCommand(config.project, service);
}

/** `backend-1 running (healthy), up 2d 4h, 0 restarts, memory 1.2 GiB of 4.0 GiB (30%)`. */
function describeContainer(report: ContainerReport): string {
  const state = report.health ? `${report.state} (${report.health})` : report.state;
  const uptime = report.uptimeMs === null ? '' : `, up ${formatDuration(report.uptimeMs)}`;
  const restarts = plural(report.restartCount, 'restart');
  return `${report.name} ${state}${uptime}, ${restarts}, memory ${describeMemory(report)}`;
}

/** Usage of limit, `not measured within 850 ms` for late stats, `-` for a stopped container. */
function describeMemory({ memory, memoryWaitedMs }: ContainerReport): string {
  if (memory) {
    const limit = `${formatBytes(memory.limitBytes)}${memory.limited ? '' : ' (host, no limit)'}`;
    return `${formatBytes(memory.usageBytes)} of ${limit} (${formatPercent(memory.percent / 100)})`;
  }
  if (memoryWaitedMs !== null) return `not measured within ${formatDuration(memoryWaitedMs)}`;
  return '-';
}

/** Converts a ratio to a percentage rounded to two decimals, for readable JSON. */
function roundPercent(ratio: number): number {
  return Math.round(ratio * 10_000) / 100;
}
