import type { FilesystemStats } from '../../../disk/filesystem.js';
import type { FolderSizes } from '../../../disk/size.js';
import { formatBytes, formatDuration, formatPercent } from '../../../output/format.js';
import type { ResolvedPath, ResolvedPaths } from '../../paths.js';
import type { CheckOutcome, CheckStatus } from '../../types.js';
import {
  minimumAvailableBytes,
  minimumFreeInodes,
  severity,
  worst,
  type FilesystemRating,
} from './rating.js';

const fullDiskConsequence =
  'a full disk under a Chromium profile corrupts its IndexedDB and loses the WhatsApp login';

export type PathKey = 'public' | 'credentials';
export const pathKeys: PathKey[] = ['public', 'credentials'];
export const configKeys: Record<PathKey, { key: string; variable: string; holds: string }> = {
  public: { key: 'paths.public', variable: 'WR_PATHS_PUBLIC', holds: 'chat media' },
  credentials: {
    key: 'paths.credentials',
    variable: 'WR_PATHS_CREDENTIALS',
    holds: 'the session-<clientId> folders',
  },
};

/** Something the check found; the worst status is the check's status. */
export interface Finding {
  status: CheckStatus;
  text: string;
  remedy: string | null;
}

export interface PathReport extends ResolvedPath {
  exists: boolean;
  bytes: number | null;
  /** Sizing method and unreadable entries, or null when the folder was not measured. */
  sizing: Omit<FolderSizes, 'bytes' | 'missing'> | null;
  /** Sizing limit, in milliseconds, that stopped the measurement before it finished, or null. */
  sizingCutShortAfterMs: number | null;
}

export function missingFinding(
  key: PathKey,
  entry: ResolvedPath,
  problem: string,
  configFile: string,
): Finding {
  const { key: configKey, variable, holds } = configKeys[key];
  // The config file and the environment variable both show as source "config".
  const from = entry.source === 'config' ? `${configFile} or ${variable}` : entry.source;
  return {
    status: 'fail',
    text: `${configKey} ${entry.path} ${problem} (from ${from})`,
    remedy: `set ${configKey} in ${configFile} (or ${variable}) to the folder that holds ${holds}`,
  };
}

export function filesystemFinding(
  filesystem: FilesystemStats & FilesystemRating & { paths: string[] },
  reports: Record<PathKey, PathReport | null>,
  diskFreePercent: number,
): Finding {
  const keys = pathKeys.filter((key) => filesystem.paths.includes(reports[key]?.path ?? ''));
  const where = `${keys.join(' and ')} on ${filesystem.mount ?? '?'} (${filesystem.device})`;
  const numbers = describeSpace(filesystem);
  if (filesystem.status === 'ok')
    return { status: 'ok', text: `${where}: ${numbers}`, remedy: null };

  const publicPath = reports.public?.path;
  const archive = publicPath
    ? `archive old chat media from ${publicPath}`
    : 'archive old chat media';
  const consequence = filesystem.status === 'fail' ? `; ${fullDiskConsequence}` : '';
  return {
    status: filesystem.status,
    text: `${where}: ${filesystem.reasons.join(' and ')}; ${numbers}${consequence}`,
    remedy: `wr prune-credentials; then ${archive}; keep over ${diskFreePercent}% free`,
  };
}

function describeSpace(filesystem: FilesystemStats): string {
  const space = `${formatBytes(filesystem.available)} free of ${formatBytes(filesystem.total)} (${formatPercent(filesystem.total > 0 ? filesystem.available / filesystem.total : 0)})`;
  if (filesystem.inodesTotal === 0) return space;
  const share = formatPercent(filesystem.inodesFree / filesystem.inodesTotal);
  return `${space}, ${filesystem.inodesFree.toLocaleString('en')} inodes free (${share})`;
}

function describeSizes(reports: Record<PathKey, PathReport | null>): string[] {
  return pathKeys.flatMap((key) => {
    const report = reports[key];
    if (!report) return [];
    const from = report.source === 'config' ? '' : `, found through ${report.source}`;
    if (report.sizingCutShortAfterMs !== null) {
      const limit = formatDuration(report.sizingCutShortAfterMs);
      return [`${key} size not measured within ${limit} (${report.path}${from})`];
    }
    if (report.bytes === null) return [];
    return [`${key} ${formatBytes(report.bytes)} (${report.path}${from})`];
  });
}

export function buildOutcome(
  findings: Finding[],
  reports: Record<PathKey, PathReport | null>,
  filesystems: Array<FilesystemStats & FilesystemRating & { paths: string[] }>,
  resolved: ResolvedPaths,
  diskFreePercent: number,
  sizingLimitMs: number | null,
): CheckOutcome {
  const status = worst(findings.map((finding) => finding.status));
  const ordered = [...findings].sort((a, b) => severity[b.status] - severity[a.status]);
  const sizes = describeSizes(reports);
  const summary = [
    ...ordered.map((finding) => finding.text),
    ...(sizes.length ? [sizes.join(', ')] : []),
  ];
  const remedies = [
    ...new Set(ordered.flatMap((finding) => (finding.remedy ? [finding.remedy] : []))),
  ];
  return {
    status,
    summary: summary.join('; '),
    details: {
      paths: reports,
      filesystems,
      problems: resolved.problems,
      thresholds: {
        diskFreePercent,
        failBelowPercent: diskFreePercent / 2,
        minimumAvailableBytes,
        minimumFreeInodes,
      },
      // How long folder sizing could take before the deadline, in milliseconds, or null without one.
      sizingLimitMs,
    },
    remedy: status === 'ok' ? null : remedies.join('; ') || null,
  };
}
