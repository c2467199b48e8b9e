import type { Config } from '../../config/schema.js';
import { listProjectMemory } from '../../docker/project-memory.js';
import { WrError } from '../../errors.js';
import { readHostMemory, type HostMemory } from '../../host/meminfo.js';
import { formatBytes, formatDuration, formatPercent, plural } from '../../output/format.js';
import { memoryGrowthReason, restartStackCommand } from '../remedies.js';
import type { Check, CheckEnvironment } from '../types.js';
import { statsDeadline } from './docker.js';

/**
 * Below this share of MemAvailable the check fails instead of warning: the
 * kernel's OOM killer is close, and the Chromium that a connection reset
 * launches may not fit.
 */
export const failBelowAvailablePercent = 5;

/** Memory held by the compose project's containers, as `docker stats` counts it. */
interface ProjectShare {
  project: string;
  usageBytes: number;
  containers: Array<{ name: string; service: string; usageBytes: number | null }>;
  /** Running containers whose stats did not arrive before the deadline. */
  notMeasured: string[];
  /** How long the stats calls waited for them, in milliseconds, or null. */
  waitedMs: number | null;
}

/**
 * Checks host memory: warns when more than thresholds.ramPercent is used and
 * fails when less than failBelowAvailablePercent is available. It also
 * reports how much the project's containers hold, when the engine responds.
 */
export const ramCheck: Check = {
  id: 'ram',
  title: 'RAM',
  async run(environment) {
    const host = await readHostMemory(environment.procRoot);
    const share = await measureProject(environment);
    const usedPercent = (host.usedBytes / host.totalBytes) * 100;
    const availablePercent = (host.availableBytes / host.totalBytes) * 100;
    const { ramPercent } = environment.config.thresholds;

    const details = {
      ...host,
      usedPercent,
      thresholdPercent: ramPercent,
      failBelowAvailablePercent,
      project: 'usageBytes' in share ? share : null,
      projectNotMeasured: 'reason' in share ? share.reason : null,
    };
    const summary = `${describeHost(host)}; ${describeShare(share, host)}`;
    if (availablePercent < failBelowAvailablePercent) {
      return {
        status: 'fail',
        summary: `only ${formatPercent(availablePercent / 100)} of memory is available (under ${failBelowAvailablePercent}%): ${summary}`,
        details,
        remedy: restartStackCommand(environment.config.project),
      };
    }
    if (usedPercent > ramPercent) {
      return {
        status: 'warn',
        summary: `memory use is over the ${ramPercent}% threshold: ${summary}; ${memoryGrowthReason}`,
        details,
        remedy: restartStackCommand(environment.config.project),
      };
    }
    return { status: 'ok', summary, details, remedy: null };
  },
};

async function measureProject(
  environment: CheckEnvironment,
): Promise<ProjectShare | { reason: string }> {
  const { config, signal } = environment;
  if (!config.project) {
    return { reason: 'containers not measured because "project" is not set' };
  }
  try {
    const listed = await listProjectMemory(environment.docker(), config.project, {
      signal,
      statsDeadline: statsDeadline(environment.deadline),
    });
    return toShare(config, listed);
  } catch (error) {
    if (!(error instanceof WrError)) throw error;
    return { reason: `containers not measured: ${error.message}` };
  }
}

function toShare(
  config: Config,
  listed: Awaited<ReturnType<typeof listProjectMemory>>,
): ProjectShare {
  const containers = listed
    .map(({ container, memory }) => ({
      name: container.name,
      service: container.service,
      usageBytes: memory?.usageBytes ?? null,
    }))
    .sort((a, b) => (b.usageBytes ?? -1) - (a.usageBytes ?? -1));
  const usageBytes = containers.reduce((sum, container) => sum + (container.usageBytes ?? 0), 0);
  const late = listed.filter((entry) => entry.memoryWaitedMs !== null);
  return {
    project: config.project as string,
    usageBytes,
    containers,
    notMeasured: late.map((entry) => entry.container.name),
    waitedMs: late.length ? Math.max(...late.map((entry) => entry.memoryWaitedMs as number)) : null,
  };
}

function describeHost(host: HostMemory): string {
  const used = formatPercent(host.usedBytes / host.totalBytes);
  return `${formatBytes(host.usedBytes)} used of ${formatBytes(host.totalBytes)} (${used}), ${formatBytes(host.availableBytes)} available`;
}

function describeShare(share: ProjectShare | { reason: string }, host: HostMemory): string {
  if ('reason' in share) return share.reason;
  const { project, containers, notMeasured, waitedMs } = share;
  const within = `not measured within ${formatDuration(waitedMs ?? 0)}`;
  if (notMeasured.length > 0 && notMeasured.length === containers.length) {
    return `the memory of the ${plural(containers.length, 'container')} of ${project} was ${within}`;
  }
  const percent = formatPercent(share.usageBytes / host.totalBytes);
  const hold = containers.length === 1 ? 'holds' : 'hold';
  const held = `the ${plural(containers.length, 'container')} of ${project} ${hold} ${formatBytes(share.usageBytes)} (${percent} of the host)`;
  if (notMeasured.length === 0) return held;
  return `${held}, without ${plural(notMeasured.length, 'container')} whose memory was ${within}`;
}
