import type { DebugArgsResult } from '../../../commands/debug-args.js';
import type { ProfileReport } from '../../debug-args/run-profile.js';
import { formatBytes, formatDuration } from '../format.js';
import { createChalk, type OutputOptions } from '../style.js';
import { createTable } from '../table.js';

/** Renders one row per profile tried, then what happened on the host and the next step. */
export function debugArgsView(result: DebugArgsResult, options: OutputOptions): string {
  const chalk = createChalk(options);
  const table = createTable(
    ['profile', 'verdict', 'launch', 'ready', 'disconnects', 'browser PSS'],
    [14, 17, 9, 9, 34, 12],
    options,
  );
  for (const report of result.reports) {
    const verdict =
      report.verdict === 'held' ? chalk.green(report.verdict) : chalk.red(report.verdict);
    table.push([
      report.profile,
      verdict,
      duration(report.launchMs),
      duration(report.readyMs),
      disconnects(report),
      report.pssBytes === null ? 'unreadable' : formatBytes(report.pssBytes),
    ]);
  }
  const lines = [table.toString(), summary(result), hostLine(result)];
  if (result.saved) lines.push(...savedLines(result));
  if (result.interrupted) lines.push('interrupted by Ctrl-C');
  if (result.next) lines.push(`next: ${result.next}`);
  return lines.join('\n');
}

function duration(ms: number | null): string {
  return ms === null ? '-' : formatDuration(ms);
}

function disconnects(report: ProfileReport): string {
  if (report.error !== null && report.verdict === 'failed to start') return report.error;
  if (report.disconnects.length === 0) return 'none';
  return report.disconnects
    .map(({ reason, secondsAfterReady }) =>
      secondsAfterReady === null ? reason : `${reason} ${secondsAfterReady} s after ready`,
    )
    .join('; ');
}

function summary(result: DebugArgsResult): string {
  if (result.holding !== null) return `profile ${result.holding} held on connection ${result.id}`;
  if (result.reports.length === 0) return 'no profile was tried';
  return `no profile held on connection ${result.id}`;
}

function hostLine(result: DebugArgsResult): string {
  const { host } = result;
  if (host.alreadyPaused)
    return `host: connection ${result.id} was paused before the run and stays paused`;
  if (!host.paused) return 'host: unreachable, so the connection was not paused or resumed';
  if (host.resumed) return `host: connection ${result.id} paused for the run, then resumed`;
  return `host: resuming connection ${result.id} failed: ${host.error ?? 'unknown error'}`;
}

function savedLines(result: DebugArgsResult): string[] {
  const saved = result.saved!;
  const from = saved.previous === null ? 'no profile' : `profile ${saved.previous}`;
  const lines = [`saved: ${saved.file}: connection ${result.id} ${from} -> ${saved.profile}`];
  lines.push(
    saved.host
      ? `saved: host uses profile ${saved.profile} for connection ${result.id} from its next start`
      : `not saved on the host: ${saved.hostError ?? 'unknown error'}`,
  );
  return lines;
}
