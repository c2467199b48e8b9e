import { stat } from 'node:fs/promises';
import { groupByFilesystem } from '../../disk/filesystem.js';
import { errnoCode } from '../../errors.js';
import type { ResolvedPaths } from '../paths.js';
import type { Check, CheckEnvironment } from '../types.js';
import { rateFilesystem } from './disk/rating.js';
import {
  buildOutcome,
  configKeys,
  filesystemFinding,
  missingFinding,
  pathKeys,
  type Finding,
  type PathKey,
  type PathReport,
} from './disk/report.js';
import { measurePaths } from './disk/sizing.js';

export {
  minimumAvailableBytes,
  minimumFreeInodes,
  rateFilesystem,
  type FilesystemRating,
} from './disk/rating.js';

/**
 * Checks the filesystems holding `public` and `credentials` and measures
 * both folders (allocated bytes, what deleting frees). Unresolved paths warn,
 * configured paths that do not exist fail, and each filesystem is rated by
 * `rateFilesystem`. Sizing stops before `environment.deadline`, and a folder
 * not measured by then is reported as such next to the free space.
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
    const sizingLimitMs = await measurePaths(present, reports, environment, findings);

    const { diskFreePercent } = environment.config.thresholds;
    const rated = filesystems.map((filesystem) => ({
      ...filesystem,
      ...rateFilesystem(filesystem, diskFreePercent),
    }));
    for (const filesystem of rated) {
      findings.push(filesystemFinding(filesystem, reports, diskFreePercent));
    }
    return buildOutcome(findings, reports, rated, resolved, diskFreePercent, sizingLimitMs);
  },
};

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
    reports[key] = {
      ...entry,
      exists: problem === null,
      bytes: null,
      sizing: null,
      sizingCutShortAfterMs: null,
    };
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
