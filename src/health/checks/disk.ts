import { stat } from 'node:fs/promises';
import { groupByFilesystem, type FilesystemStats } from '../../disk/filesystem.js';
import { measureFolders, type FolderSizes } from '../../disk/size.js';
import { errnoCode } from '../../errors.js';
import { formatBytes, formatPercent } from '../../output/format.js';
import type { ResolvedPath, ResolvedPaths } from '../paths.js';
import type { Check, CheckEnvironment, CheckOutcome, CheckStatus } from '../types.js';

/**
 * Floors under which a filesystem fails whatever thresholds.diskFreePercent
 * is, so that a large disk with a low percentage still fails before it
 * fills. NOTE: chosen, not measured: 1 GiB leaves a few Chromium profiles
 * room to keep writing, and 10,000 inodes room for their many small files.
 */
export const minimumAvailableBytes = 1024 ** 3;
export const minimumFreeInodes = 10_000;

const fullDiskConsequence =
  'a full disk under a Chromium profile corrupts its IndexedDB and loses the WhatsApp login';

type PathKey = 'public' | 'credentials';
const pathKeys: PathKey[] = ['public', 'credentials'];
const configKeys: Record<PathKey, { key: string; variable: string; holds: string }> = {
  public: { key: 'paths.public', variable: 'WR_PATHS_PUBLIC', holds: 'chat media' },
  credentials: {
    key: 'paths.credentials',
    variable: 'WR_PATHS_CREDENTIALS',
    holds: 'the session-<clientId> folders',
  },
};

/** Something the check found; the worst status is the check's status. */
interface Finding {
  status: CheckStatus;
  text: string;
  remedy: string | null;
}

interface PathReport extends ResolvedPath {
  exists: boolean;
  bytes: number | null;
  /** Sizing method and unreadable entries, or null when the folder was not measured. */
  sizing: Omit<FolderSizes, 'bytes' | 'missing'> | null;
}

/** Rating of one filesystem, on free space and free inodes separately. */
export interface FilesystemRating {
  status: CheckStatus;
  /** Reasons for a status other than ok, e.g. "free space 4.0% is under 5%, half of the 10% threshold". */
  reasons: string[];
}

/**
 * Checks the filesystems holding `public` and `credentials` and measures
 * both folders (allocated bytes, what deleting frees). Unresolved paths warn,
 * configured paths that do not exist fail, and each filesystem is rated by
 * `rateFilesystem`.
 */
export const diskCheck: Check = {
  id: 'disk',
  title: 'Disk',
  async run(environment) {
    const resolved = await environment.paths();
    const findings: Finding[] = [];
    const reports = await inspectPaths(resolved, environment, findings);
    const present = pathKeys.filter((key) => reports[key]?.exists);
    const targets = present.map((key) => (reports[key] as PathReport).path);

    const filesystems = await groupByFilesystem(targets, {
      procRoot: environment.procRoot,
      signal: environment.signal,
    });
    await measurePaths(present, reports, environment.signal, findings);

    const { diskFreePercent } = environment.config.thresholds;
    const rated = filesystems.map((filesystem) => ({
      ...filesystem,
      ...rateFilesystem(filesystem, diskFreePercent),
    }));
    for (const filesystem of rated) {
      findings.push(filesystemFinding(filesystem, reports, diskFreePercent));
    }
    return buildOutcome(findings, reports, rated, resolved, diskFreePercent);
  },
};

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

const severity: Record<CheckStatus, number> = { ok: 0, skip: 0, warn: 1, fail: 2 };

function worst(statuses: CheckStatus[]): CheckStatus {
  return statuses.reduce((a, b) => (severity[b] > severity[a] ? b : a), 'ok' as CheckStatus);
}

/** Reports unresolved paths (warn) and configured paths that are missing or not folders (fail). */
async function inspectPaths(
  resolved: ResolvedPaths,
  environment: CheckEnvironment,
  findings: Finding[],
): Promise<Record<PathKey, PathReport | null>> {
  const configFile = environment.configFile ?? 'wr.config.json';
  const reports: Record<PathKey, PathReport | null> = { public: null, credentials: null };
  for (const key of pathKeys) {
    const { key: configKey, variable } = configKeys[key];
    const entry = resolved[key];
    if (!entry) {
      const why = resolved.problems.length ? `: ${resolved.problems.join('; ')}` : '';
      findings.push({
        status: 'warn',
        text: `${configKey} is not set and was not found${why}`,
        remedy: `set ${configKey} in ${configFile} (or ${variable})`,
      });
      continue;
    }
    const problem = await folderProblem(entry.path);
    reports[key] = { ...entry, exists: problem === null, bytes: null, sizing: null };
    if (problem) findings.push(missingFinding(key, entry, problem, configFile));
  }
  return reports;
}

/** Returns why `target` cannot be measured ("does not exist", "is not a folder"), or null. */
async function folderProblem(target: string): Promise<string | null> {
  try {
    const stats = await stat(target);
    return stats.isDirectory() ? null : 'is not a folder';
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'does not exist';
    return `cannot be read (${code ?? String(error)})`;
  }
}

function missingFinding(
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

/** Measures each folder on its own, so that each size is complete even if one contains the other. */
async function measurePaths(
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

function filesystemFinding(
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
    if (!report || report.bytes === null) return [];
    const from = report.source === 'config' ? '' : `, found through ${report.source}`;
    return [`${key} ${formatBytes(report.bytes)} (${report.path}${from})`];
  });
}

function buildOutcome(
  findings: Finding[],
  reports: Record<PathKey, PathReport | null>,
  filesystems: Array<FilesystemStats & FilesystemRating & { paths: string[] }>,
  resolved: ResolvedPaths,
  diskFreePercent: number,
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
    },
    remedy: status === 'ok' ? null : remedies.join('; ') || null,
  };
}
