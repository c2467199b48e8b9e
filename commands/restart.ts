import path from 'node:path';
import type { CommandResult } from '../src/command.js';
import { parseDuration } from '../src/config/units.js';
import type { Config } from '../src/config/schema.js';
import type { Context } from '../src/context.js';
import { ControlClient, controlTarget } from '../src/control/client.js';
import { createDockerEngine } from '../src/docker/engine.js';
import { ExitCode, usageError } from '../src/errors.js';
import { createRestartReporter, restartView, scheduleView } from '../src/output/views/restart.js';
import { parsePercent } from '../src/restart/conditions.js';
import { restartProject, type RestartRequest, type RestartResult } from '../src/restart/restart.js';
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
  if (options.printSchedule) return printSchedule(options, config, file);
  const request = buildRequest(options, config, context.env);

  const reporter = await createRestartReporter(context.output, context.streams, context.now);
  const onInterrupt = () =>
    context.streams.stderr.write(
      'interrupted: a restart of the containers that has begun runs to its end, so that none is left stopped; press Ctrl-C again to stop at once\n',
    );
  context.signal.addEventListener('abort', onInterrupt, { once: true });
  const result = await restartProject(request, {
    engine: createDockerEngine(config.docker.host as string),
    control: new ControlClient(controlTarget(config.control)),
    procRoot: context.procRoot,
    env: context.env,
    now: context.now,
    signal: context.signal,
    emit: reporter.emit,
  });
  reporter.finish();
  context.signal.removeEventListener('abort', onInterrupt);

  if (context.signal.aborted) reportInterrupted(result, context);
  return {
    data: result,
    exitCode: result.status === 'failed' ? ExitCode.failure : ExitCode.ok,
    view: restartView as never,
  };
}

function printSchedule(
  options: RestartOptions,
  config: Config,
  file: string | null,
): CommandResult<RestartResult | Schedule> {
  const executable = path.basename(process.argv[1] ?? '') === 'wr' ? process.argv[1] : 'wr';
  const schedule = buildSchedule({
    executable: executable as string,
    configFile: file ? path.resolve(file) : null,
    project: config.project ?? null,
    uptime: options.ifUptimeOver ?? config.thresholds.uptime,
  });
  return { data: schedule, exitCode: ExitCode.ok, view: scheduleView as never };
}

/** Validates the options and turns them into the restart request. */
function buildRequest(
  options: RestartOptions,
  config: Config,
  env: NodeJS.ProcessEnv,
): RestartRequest {
  const services = selectServices(options);
  if (!config.project) {
    throw usageError(
      'CONFIG_INVALID',
      'project is not set: wr restart needs the compose project name',
      'set "project" in wr.config.json, WR_PROJECT, or pass --project <name>',
    );
  }
  const { ifUptimeOver, ifMemoryOver } = options;
  return {
    project: config.project,
    services,
    backendService: config.backendService,
    stopTimeoutMs: duration('--stop-timeout', options.stopTimeout ?? '10s', true),
    startTimeoutMs: duration('--start-timeout', options.startTimeout ?? '2m'),
    syncTimeoutMs:
      options.wait === false ? null : duration('--sync-timeout', options.syncTimeout ?? '5m'),
    dryRun: options.dryRun === true,
    ifUptimeOverMs: ifUptimeOver ? duration('--if-uptime-over', ifUptimeOver, true) : null,
    ifMemoryOverPercent: ifMemoryOver ? percent(ifMemoryOver) : null,
    lockDir: options.lockDir ?? env.WR_LOCK_DIR ?? defaultLockDir,
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

/**
 * Prints the result of an interrupted restart, since the CLI prints no result
 * after an interrupt: JSON on stdout with --json, else the table on stderr.
 */
function reportInterrupted(result: RestartResult, context: Context): void {
  if (context.output.json) {
    context.streams.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  context.streams.stderr.write(`${restartView(result, context.output)}\n`);
}
