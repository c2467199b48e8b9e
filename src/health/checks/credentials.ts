import os from 'node:os';
import { inspectCredentials, type CredentialFolder } from '../../disk/credentials.js';
import { decide } from '../../disk/prune.js';
import { errnoCode } from '../../errors.js';
import { scanBrowsers, type BrowserScan, type ContainerRef } from '../../host/browsers.js';
import { formatBytes, plural } from '../../output/format.js';
import { recreateServiceCommand, restartServiceCommand } from '../remedies.js';
import type { ResolvedPath } from '../paths.js';
import type { Check, CheckEnvironment, CheckOutcome, CheckStatus } from '../types.js';

/** One problem the check found; the worst status decides the outcome. */
interface Finding {
  status: Exclude<CheckStatus, 'ok' | 'skip'>;
  summary: string;
  remedy: string;
}

export const credentialsCheck: Check = {
  id: 'credentials',
  title: 'Credentials',
  run: runCredentialsCheck,
};

async function runCredentialsCheck(environment: CheckEnvironment): Promise<CheckOutcome> {
  const paths = await environment.paths();
  if (!paths.credentials) {
    return {
      status: 'skip',
      summary: `credentials path unknown: ${paths.problems.join('; ') || 'not configured'}`,
      details: { problems: paths.problems },
      remedy: 'set paths.credentials in wr.config.json',
    };
  }
  const scan = await scanBrowsers({
    procRoot: environment.procRoot,
    docker: environment.docker,
    signal: environment.signal,
  });
  let folders: CredentialFolder[];
  try {
    folders = await inspectCredentials({
      credentialsPath: paths.credentials.path,
      config: environment.config,
      scan,
      hostname: os.hostname(),
      signal: environment.signal,
    });
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    return missingFolder(paths.credentials, code);
  }
  return evaluateCredentials(folders, scan, paths.credentials, environment.config.project);
}

function missingFolder(credentials: ResolvedPath, code: string): CheckOutcome {
  return {
    status: 'fail',
    summary: `credentials folder ${credentials.path} (from ${credentials.source}) cannot be read: ${code}`,
    details: { path: credentials.path, source: credentials.source, error: code },
    remedy: 'set paths.credentials in wr.config.json to the LocalAuth data folder (.wwebjs_auth)',
  };
}

/** Turns the inspected folders and the browser scan into the check's outcome. */
export function evaluateCredentials(
  folders: CredentialFolder[],
  scan: BrowserScan,
  credentials: ResolvedPath,
  project?: string,
): CheckOutcome {
  const findings = [
    ...duplicateFindings(folders, project),
    ...staleLockFindings(folders),
    ...defunctFindings(scan, project),
    ...reclaimableFindings(folders),
  ];
  const status: CheckStatus = findings.some((finding) => finding.status === 'fail')
    ? 'fail'
    : findings.length > 0
      ? 'warn'
      : 'ok';
  const failures = findings.filter((finding) => finding.status === 'fail');
  const ordered = [...failures, ...findings.filter((finding) => finding.status !== 'fail')];
  const summaryParts = ordered.map((finding) => finding.summary);
  summaryParts.push(overview(folders));
  if (scan.problems.length > 0) summaryParts.push(scan.problems.join('; '));

  return {
    status,
    summary: summaryParts.join('; '),
    details: detailsOf(folders, scan, credentials),
    remedy:
      ordered.length > 0 ? [...new Set(ordered.map((finding) => finding.remedy))].join('; ') : null,
  };
}

function overview(folders: CredentialFolder[]): string {
  const count = (kind: CredentialFolder['kind']) =>
    folders.filter((folder) => folder.kind === kind).length;
  const inUse = folders.filter((folder) => folder.inUse).length;
  const total = folders.reduce((sum, folder) => sum + folder.bytes, 0);
  return (
    `${folders.length} entries: ${count('registered')} registered, ${count('unused')} unused, ` +
    `${count('unknown')} unknown, ${inUse} in use, ${formatBytes(total)} in total`
  );
}

function duplicateFindings(folders: CredentialFolder[], project?: string): Finding[] {
  return folders
    .filter((folder) => folder.duplicate)
    .map((folder) => {
      const pids = folder.browsers.map((browser) => browser.pid).join(', ');
      const holder = folder.lock?.state === 'live' ? folder.lock.pid : null;
      const extra = folder.browsers.filter((browser) => browser.namespacePid !== holder);
      const services = [...new Set(folder.browsers.map((browser) => browser.service))];
      const remedy =
        services.length === 1 && services[0]
          ? restartServiceCommand(project, services[0])
          : `kill ${extra.map((browser) => browser.pid).join(' ')}`;
      return {
        status: 'fail' as const,
        summary: `${folder.browsers.length} browsers (pids ${pids}) on ${folder.name}: each shows its own QR`,
        remedy,
      };
    });
}

function staleLockFindings(folders: CredentialFolder[]): Finding[] {
  return folders
    .filter((folder) => folder.lock?.state === 'stale')
    .map((folder) => ({
      status: 'warn' as const,
      summary: `stale SingletonLock ${folder.lock?.target} in ${folder.name} (${folder.lock?.reason}); a browser launched on it fails with "profile in use"`,
      remedy:
        decide(folder).action === 'delete'
          ? 'wr prune-credentials'
          : `rm '${folder.path}/SingletonLock'`,
    }));
}

function defunctFindings(scan: BrowserScan, project?: string): Finding[] {
  const byContainer = new Map<string, { container: ContainerRef; count: number }>();
  for (const process of scan.defunct) {
    if (!process.container || process.container.init) continue;
    const entry = byContainer.get(process.container.id) ?? {
      container: process.container,
      count: 0,
    };
    entry.count += 1;
    byContainer.set(process.container.id, entry);
  }
  return [...byContainer.values()].map(({ container, count }) => ({
    status: 'warn' as const,
    summary: `${plural(count, 'defunct browser process', 'defunct browser processes')} in container ${container.name}, which runs without an init to reap them`,
    // A restart keeps the old container settings; only recreating applies init.
    remedy: `set init: true for service ${container.service} in the compose file, then recreate it: ${recreateServiceCommand(project, container.service)}`,
  }));
}

function reclaimableFindings(folders: CredentialFolder[]): Finding[] {
  const prunable = folders.filter((folder) => decide(folder).action === 'delete');
  if (prunable.length === 0) return [];
  const bytes = prunable.reduce((sum, folder) => sum + folder.bytes, 0);
  return [
    {
      status: 'warn',
      summary: `${formatBytes(bytes)} reclaimable in ${plural(prunable.length, 'unused idle folder')}`,
      remedy: 'wr prune-credentials',
    },
  ];
}

function detailsOf(
  folders: CredentialFolder[],
  scan: BrowserScan,
  credentials: ResolvedPath,
): Record<string, unknown> {
  return {
    path: credentials.path,
    source: credentials.source,
    folders: folders.map((folder) => ({
      name: folder.name,
      entryType: folder.entryType,
      kind: folder.kind,
      clientId: folder.clientId,
      connectionId: folder.connectionId,
      inUse: folder.inUse,
      duplicate: folder.duplicate,
      browsers: folder.browsers,
      possibleBrowsers: folder.possibleBrowsers,
      lock: folder.lock,
      bytes: folder.bytes,
      prune: decide(folder).action,
    })),
    browsers: scan.browsers,
    defunct: scan.defunct,
    containersMatched: scan.containersMatched,
    problems: scan.problems,
  };
}
