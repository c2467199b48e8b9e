import path from 'node:path';
import type { CommandResult } from '../src/command.js';
import { parseDuration } from '../src/config/units.js';
import type { Context } from '../src/context.js';
import { ControlClient, controlTarget } from '../src/control/client.js';
import { createDockerEngine } from '../src/docker/engine.js';
import { ExitCode, usageError } from '../src/errors.js';
import { createRestartReporter, restartView, scheduleView } from '../src/output/views/restart.js';
import { parsePercent } from '../src/restart/conditions.js';
import { restartProject, type RestartResult } from '../src/restart/restart.js';
import { buildSchedule, type Schedule } from '../src/restart/schedule.js';

export interface RestartOptions {
  /** Service names, the command's arguments. */
  services: string[];
  all?: boolean;
  dryRun?: boolean;
  stopTimeout?: string;
  startTimeout?: string;
  syncTimeout?: string;
  /** False with --no-wait. */
  wait?: boolean;
  ifUptimeOver?: string;
  ifMemoryOver?: string;
  printSchedule?: boolean;
  lockDir?: string;
}

/** Default folder of the restart lock; WR_LOCK_DIR or --lock-dir choose another. */
export const defaultLockDir = '/run/wr';

/**
 * Restarts the compose project's containers in dependency order, then waits
 * for the connections to sync. Exit code 0 when every container came back
 * (or no --if-* condition held, so nothing was restarted), 1 otherwise.
 */
export async function run(
  options: RestartOptions,
  context: Context,
): Promise<CommandResult<RestartResult | Schedule>> {
  const { config, file } = context.config();
  if (options.printSchedule) {
    const executable = path.basename(process.argv[1] ?? '') === 'wr' ? process.argv[1] : 'wr';
    const schedule = buildSchedule({
      executable: executable as string,
      configFile: file ? path.resolve(file) : null,
      project: config.project ?? null,
      uptime: options.ifUptimeOver ?? config.thresholds.uptime,
    });
    return { data: schedule, exitCode: ExitCode.ok, view: scheduleView as never };
  }
  const services = selectServices(options);
  if (!config.project) {
    throw usageError(
      'CONFIG_INVALID',
      'project is not set: wr restart needs the compose project name',
      'set "project" in wr.config.json, WR_PROJECT, or pass --project <name>',
    );
  }
  const reporter = await createRestartReporter(context.output, context.streams, context.now);
  const result = await restartProject(
    {
      project: config.project,
      services,
      backendService: config.backendService,
      stopTimeoutMs: duration('--stop-timeout', options.stopTimeout ?? '10s', true),
      startTimeoutMs: duration('--start-timeout', options.startTimeout ?? '2m'),
      syncTimeoutMs:
        options.wait === false ? null : duration('--sync-timeout', options.syncTimeout ?? '5m'),
      dryRun: options.dryRun === true,
      ifUptimeOverMs: options.ifUptimeOver
        ? duration('--if-uptime-over', options.ifUptimeOver, true)
        : null,
      ifMemoryOverPercent: options.ifMemoryOver ? percent(options.ifMemoryOver) : null,
      lockDir: options.lockDir ?? context.env.WR_LOCK_DIR ?? defaultLockDir,
    },
    {
      engine: createDockerEngine(config.docker.host as string),
      control: new ControlClient(controlTarget(config.control)),
      procRoot: context.procRoot,
      env: context.env,
      now: context.now,
      signal: context.signal,
      emit: reporter.emit,
    },
  );
  reporter.finish();
  return {
    data: result,
    exitCode: result.status === 'failed' ? ExitCode.failure : ExitCode.ok,
    view: restartView as never,
  };
}

function selectServices(options: RestartOptions): string[] | null {
  const named = options.services ?? [];
  if (options.all && named.length > 0) {
    throw usageError(
      'USAGE',
      `--all and service names (${named.join(', ')}) exclude each other`,
      'rerun with either --all or the services to restart',
    );
  }
  if (!options.all && named.length === 0) {
    throw usageError(
      'USAGE',
      'name the services to restart, or pass --all',
      'wr restart --all, or wr restart backend; add --dry-run to see the plan first',
    );
  }
  return options.all ? null : [...new Set(named)];
}

function duration(option: string, text: string, zeroAllowed = false): number {
  const value = parseDuration(text);
  if (value === undefined || value < 0 || (!zeroAllowed && value === 0)) {
    throw usageError(
      'USAGE',
      `${option} "${text}": expected a duration${zeroAllowed ? '' : ' longer than zero'}, such as 10s, 5m or 3d`,
      `rerun with ${option} 30s, for example`,
    );
  }
  return value;
}

function percent(text: string): number {
  const value = parsePercent(text);
  if (value === undefined) {
    throw usageError(
      'USAGE',
      `--if-memory-over "${text}": expected a percentage above 0 and at most 100, such as 85 or 85%`,
      'rerun with --if-memory-over 85, for example',
    );
  }
  return value;
}
