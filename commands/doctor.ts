import type { CommandResult } from '../src/command.js';
import type { Context } from '../src/context.js';
import { lazyDockerEngine } from '../src/docker/engine.js';
import { usageError, ExitCode } from '../src/errors.js';
import { parseDuration } from '../src/config/units.js';
import { checkIds, loadCheck } from '../src/health/checks/index.js';
import { resolvePaths, type ResolvedPaths } from '../src/health/paths.js';
import { overallStatus, runChecks } from '../src/health/runner.js';
import type { CheckResult } from '../src/health/types.js';
import { plural } from '../src/output/format.js';
import { createProgress } from '../src/output/progress.js';
import { doctorView } from '../src/output/views/doctor.js';

export interface DoctorOptions {
  check?: string[];
  timeout?: string;
}

export interface DoctorReport {
  status: 'ok' | 'warn' | 'fail';
  checks: Array<Omit<CheckResult, 'durationMs'>>;
}

/** Runs the selected checks concurrently and returns one result per check. */
export async function run(
  options: DoctorOptions,
  context: Context,
): Promise<CommandResult<DoctorReport>> {
  const ids = options.check?.length ? [...new Set(options.check)] : checkIds;
  const timeoutMs = parseDuration(options.timeout ?? '10s');
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw usageError(
      'USAGE',
      `--timeout "${options.timeout}": expected a duration longer than zero, such as 10s or 1m`,
      'rerun with --timeout 30s, for example',
    );
  }
  const { config, file } = context.config();

  const docker = lazyDockerEngine(config.docker.host as string);
  let paths: Promise<ResolvedPaths> | undefined;
  const checks = await Promise.all(ids.map(loadCheck));

  const progress = createProgress(context.output, context.streams.stderr);
  progress.start(`running ${plural(checks.length, 'check')}`);
  const results = await runChecks(
    checks,
    {
      config,
      configFile: file,
      docker,
      paths: () => (paths ??= resolvePaths(config, docker)),
      procRoot: context.procRoot,
      now: context.now,
    },
    {
      timeoutMs,
      signal: context.signal,
      onResult: (result, finished, total) =>
        progress.update(`${finished}/${total} checks done (${result.id}: ${result.status})`),
    },
  );
  progress.stop();

  const report: DoctorReport = {
    status: overallStatus(results),
    checks: results.map(({ durationMs: _duration, ...result }) => result),
  };
  return {
    data: report,
    exitCode: report.status === 'fail' ? ExitCode.failure : ExitCode.ok,
    view: doctorView,
  };
}
