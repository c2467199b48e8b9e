import type { DoctorReport } from '../../../commands/doctor.js';
import type { CheckStatus } from '../../health/types.js';
import { createChalk, type OutputOptions } from '../style.js';
import { createTable } from '../table.js';

/**
 * The doctor report as a table: check, status, what was measured, remedy.
 * With --quiet only the checks that warn or fail are shown, and nothing at all
 * when every check passed, so a cron job mails only problems.
 */
export function doctorView(report: DoctorReport, options: OutputOptions): string {
  const shown = options.quiet
    ? report.checks.filter((check) => check.status === 'warn' || check.status === 'fail')
    : report.checks;
  if (shown.length === 0 && options.quiet) return '';
  const chalk = createChalk(options);
  const paint: Record<CheckStatus, (text: string) => string> = {
    ok: chalk.green,
    warn: chalk.yellow,
    fail: chalk.red,
    skip: chalk.dim,
  };
  const width = options.columns && options.columns > 80 ? options.columns : 120;
  const measured = Math.floor((width - 30) * 0.6);
  const table = createTable(
    ['check', 'status', 'measured', 'remedy'],
    [16, 8, measured, width - 30 - measured],
    options,
  );
  for (const check of shown) {
    table.push([check.id, paint[check.status](check.status), check.summary, check.remedy ?? '']);
  }
  const overall = paint[report.status](report.status);
  const lines = [table.toString(), `overall: ${overall}`];
  if (options.verbose) {
    const details = report.checks.map((check) => ({ id: check.id, details: check.details }));
    lines.push(JSON.stringify(details, null, 2));
  }
  return lines.join('\n');
}
