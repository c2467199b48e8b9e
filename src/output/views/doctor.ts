import Table from 'cli-table3';
import type { DoctorReport } from '../../../commands/doctor.js';
import type { CheckStatus } from '../../health/types.js';
import { createChalk, type OutputOptions } from '../style.js';

/** The doctor report as a table: check, status, what was measured, remedy. */
export function doctorView(report: DoctorReport, options: OutputOptions): string {
  const chalk = createChalk(options);
  const paint: Record<CheckStatus, (text: string) => string> = {
    ok: chalk.green,
    warn: chalk.yellow,
    fail: chalk.red,
    skip: chalk.dim,
  };
  const width =
    process.stdout.columns && process.stdout.columns > 80 ? process.stdout.columns : 120;
  const table = new Table({
    head: ['check', 'status', 'measured', 'remedy'],
    style: { head: options.color ? ['bold'] : [], border: options.color ? ['grey'] : [] },
    colWidths: [16, 8, Math.floor((width - 30) * 0.6), Math.floor((width - 30) * 0.4)],
    wordWrap: true,
  });
  for (const check of report.checks) {
    table.push([check.id, paint[check.status](check.status), check.summary, check.remedy ?? '']);
  }
  const overall = paint[report.status](report.status);
  const lines = [table.toString(), `overall: ${overall}`];
  if (options.verbose)
    lines.push(
      JSON.stringify(
        report.checks.map((c) => ({ id: c.id, details: c.details })),
        null,
        2,
      ),
    );
  return lines.join('\n');
}
