import { measureFolders } from '../../../disk/size.js';
import type { Finding, PathKey, PathReport } from './report.js';

/** Measures each folder on its own, so that each size is complete even if one contains the other. */
export async function measurePaths(
  keys: PathKey[],
  reports: Record<PathKey, PathReport | null>,
  signal: AbortSignal,
  findings: Finding[],
): Promise<void> {
  await Promise.all(
    keys.map(async (key) => {
      const report = reports[key] as PathReport;
      const measured = await measureFolders([report.path], { signal });
      const { method, fallbackReason, unreadable, unreadableCount, vanishedCount } = measured;
      const sizing = { method, fallbackReason, unreadable, unreadableCount, vanishedCount };
      report.bytes = measured.bytes.get(report.path) ?? 0;
      report.sizing = sizing;
      if (sizing.unreadableCount === 0) return;
      const first = sizing.unreadable[0];
      const count = sizing.unreadableCount;
      const entries = count === 1 ? '1 entry' : `${count} entries`;
      const example = first ? ` (first: ${first.path}: ${first.code})` : '';
      findings.push({
        status: 'warn',
        text: `size of ${key} is incomplete: ${entries} could not be read${example}`,
        remedy: 'rerun as root: sudo wr doctor --check disk',
      });
    }),
  );
}
