import type { PruneReport } from '../../../commands/prune-credentials.js';
import type { PruneAction } from '../../disk/prune.js';
import { formatBytes, plural } from '../format.js';
import { createChalk, type OutputOptions } from '../style.js';
import { createTable } from '../table.js';

/** Renders the prune report as a table (folder, connection, size, action, reason) and the total reclaimed. */
export function pruneView(report: PruneReport, options: OutputOptions): string {
  const chalk = createChalk(options);
  const paint: Record<PruneAction, (text: string) => string> = {
    keep: chalk.dim,
    delete: chalk.yellow,
    deleted: chalk.green,
    failed: chalk.red,
    skipped: chalk.dim,
  };
  const table = createTable(
    ['folder', 'connection', 'size', 'action', 'reason'],
    [32, 12, 11, 9, 56],
    options,
  );
  for (const folder of report.folders) {
    table.push([
      JSON.stringify(folder.path.slice(report.credentialsPath.length + 1)).slice(1, -1),
      folder.connectionId ?? '',
      formatBytes(folder.bytes),
      paint[folder.action](folder.action),
      folder.reason,
    ]);
  }
  const total = formatBytes(report.reclaimedBytes);
  const totalLine = report.dryRun ? `would reclaim ${total}` : `reclaimed ${total}`;
  const failed = report.folders.filter((folder) => folder.action === 'failed');
  const failedLine =
    failed.length > 0
      ? chalk.red(
          `${plural(failed.length, 'folder was', 'folders were')} only partly deleted; see the reason column`,
        )
      : null;
  // --quiet prints only the result: the total and any failure.
  if (options.quiet) return [totalLine, failedLine].filter(Boolean).join('\n');

  const lines = [`credentials folder: ${report.credentialsPath}`, table.toString(), totalLine];
  if (failedLine) lines.push(failedLine);
  for (const warning of report.warnings) lines.push(`${chalk.yellow('warning')}: ${warning}`);
  return lines.join('\n');
}
