import { timeoutSignal } from '../../../abort.js';
import { measureFolders, type FolderSizes } from '../../../disk/size.js';
import type { Finding, PathKey, PathReport } from './report.js';

/**
 * Share of the time left before the check's deadline that sizing may take.
 * Sizing a large or cold folder can take longer than the whole doctor
 * timeout, and stopping it early leaves time to report free space.
 */
// NOTE: chosen, not measured. The last quarter is for stopping du and building the outcome.
const sizingShare = 0.75;
/**
 * Time kept at least for stopping du and building the outcome, in ms. It does
 * not shrink with the deadline: on a loaded machine a check with 150 ms left
 * needed about 90 ms after sizing was cut.
 */
const stopReserveMs = 100;

/** Limits of the folder sizing: the check's own signal and the deadline, if any. */
export interface SizingBounds {
  signal: AbortSignal;
  deadline?: number;
}

/**
 * Measures each folder on its own, so that each size is complete even if one contains the other.
 * With a deadline, sizing stops after `sizingShare` of the time left and a folder not measured by
 * then keeps `bytes` null and gets `sizingCutShortAfterMs`. Returns the sizing limit in
 * milliseconds, or null without a deadline.
 */
export async function measurePaths(
  keys: PathKey[],
  reports: Record<PathKey, PathReport | null>,
  bounds: SizingBounds,
  findings: Finding[],
): Promise<number | null> {
  const limitMs = sizingLimitMs(bounds.deadline);
  const signal = sizingSignal(bounds.signal, limitMs);
  await Promise.all(
    keys.map(async (key) => {
      const report = reports[key] as PathReport;
      const measured = await measureWithin(report.path, signal, bounds.signal);
      if (measured === null) {
        report.sizingCutShortAfterMs = limitMs;
        return;
      }
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
  return limitMs;
}

function sizingLimitMs(deadline: number | undefined): number | null {
  if (deadline === undefined) return null;
  const leftMs = deadline - Date.now();
  return Math.max(0, Math.floor(Math.min(leftMs * sizingShare, leftMs - stopReserveMs)));
}

function sizingSignal(checkSignal: AbortSignal, limitMs: number | null): AbortSignal {
  if (limitMs === null) return checkSignal;
  // With no time left, sizing does not start, because du could finish before a timer of 0 ms fires.
  if (limitMs === 0) return AbortSignal.abort();
  return timeoutSignal(limitMs, checkSignal);
}

/**
 * Measures one folder, or returns null when the sizing limit stopped it.
 * Rejects when the check's own signal is aborted, because then the runner
 * has given up on the check.
 */
async function measureWithin(
  folder: string,
  sizingSignal: AbortSignal,
  checkSignal: AbortSignal,
): Promise<FolderSizes | null> {
  try {
    return await measureFolders([folder], { signal: sizingSignal });
  } catch (error) {
    if (sizingSignal.aborted && !checkSignal.aborted) return null;
    throw error;
  }
}
