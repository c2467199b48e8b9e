import type { FilesystemStats } from '../../../disk/filesystem.js';
import { formatBytes, formatPercent } from '../../../output/format.js';
import type { CheckStatus } from '../../types.js';

/**
 * Floors under which a filesystem fails whatever thresholds.diskFreePercent
 * is, so that a large disk with a low percentage still fails before it
 * fills. NOTE: chosen, not measured: 1 GiB leaves a few Chromium profiles
 * room to keep writing, and 10,000 inodes room for their many small files.
 */
export const minimumAvailableBytes = 1024 ** 3;
export const minimumFreeInodes = 10_000;

/** Rating of one filesystem, on free space and free inodes separately. */
export interface FilesystemRating {
  status: CheckStatus;
  /** Reasons for a status other than ok, e.g. "free space 4.0% is under 5%, half of the 10% threshold". */
  reasons: string[];
}

/**
 * Rates free space and free inodes of one filesystem, each on its own; the
 * worse one counts. Each fails under half of `diskFreePercent` or under its
 * floor (`minimumAvailableBytes`, `minimumFreeInodes`) and warns under
 * `diskFreePercent`. Free space is `available`, what the backend can use when
 * it does not run as root. Inodes are rated only where the filesystem has a
 * fixed inode table.
 */
export function rateFilesystem(
  filesystem: FilesystemStats,
  diskFreePercent: number,
): FilesystemRating {
  const reasons: string[] = [];
  const space = rateShare(
    'free space',
    { free: filesystem.available, total: filesystem.total, floor: minimumAvailableBytes },
    diskFreePercent,
    reasons,
  );
  let inodes: CheckStatus = 'ok';
  if (filesystem.inodesTotal > 0) {
    inodes = rateShare(
      'free inodes',
      { free: filesystem.inodesFree, total: filesystem.inodesTotal, floor: minimumFreeInodes },
      diskFreePercent,
      reasons,
    );
  }
  return { status: worst([space, inodes]), reasons };
}

function rateShare(
  what: 'free space' | 'free inodes',
  amount: { free: number; total: number; floor: number },
  diskFreePercent: number,
  reasons: string[],
): CheckStatus {
  const share = amount.total > 0 ? amount.free / amount.total : 0;
  const shown = formatPercent(share);
  const count = (value: number) =>
    what === 'free space' ? formatBytes(value) : value.toLocaleString('en');
  if (amount.free < amount.floor) {
    reasons.push(`${what} ${count(amount.free)} is under the minimum of ${count(amount.floor)}`);
    return 'fail';
  }
  if (share * 100 < diskFreePercent / 2) {
    reasons.push(
      `${what} ${shown} is under ${diskFreePercent / 2}%, half of the ${diskFreePercent}% threshold`,
    );
    return 'fail';
  }
  if (share * 100 < diskFreePercent) {
    reasons.push(`${what} ${shown} is under the ${diskFreePercent}% threshold`);
    return 'warn';
  }
  return 'ok';
}

export const severity: Record<CheckStatus, number> = { ok: 0, skip: 0, warn: 1, fail: 2 };

export function worst(statuses: CheckStatus[]): CheckStatus {
  return statuses.reduce((a, b) => (severity[b] > severity[a] ? b : a), 'ok' as CheckStatus);
}
