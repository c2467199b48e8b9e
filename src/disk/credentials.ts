import { lstat, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Stats } from 'node:fs';
import { connectionOfClientId } from '../config/client-id.js';
import type { Config } from '../config/schema.js';
import type { BrowserProcess, BrowserScan } from '../host/browsers.js';
import { allocatedBytes } from './size.js';
import { judgeLock, readSingletonLock, type LockState, type SingletonLock } from './locks.js';

/**
 * Folder class: `registered` is a configured connection's session folder,
 * `unused` a session folder of no connection, `unknown` anything else.
 */
export type FolderKind = 'registered' | 'unused' | 'unknown';
export type EntryType = 'directory' | 'file' | 'symlink' | 'other';

/** A browser main process using a credentials folder. */
export interface FolderUser {
  pid: number;
  namespacePid: number;
  /** Container name, or null for a process on this machine. */
  container: string | null;
  /** Compose service of that container. */
  service: string | null;
}

/** One entry directly under the credentials path. */
export interface CredentialFolder {
  name: string;
  path: string;
  entryType: EntryType;
  kind: FolderKind;
  /** The clientId of a `session-<clientId>` directory, else null. */
  clientId: string | null;
  connectionId: string | null;
  /** Browser main processes whose profile is this folder. */
  browsers: FolderUser[];
  /**
   * Host pids of browsers whose profile could not be translated to a host
   * path (their container is unknown) but whose folder has this name: the
   * folder may be in use.
   */
  possibleBrowsers: number[];
  inUse: boolean;
  /** Two or more browser main processes on one profile: the several-QRs state. */
  duplicate: boolean;
  lock: (SingletonLock & { state: LockState; reason: string }) | null;
  /** Bytes allocated on disk; for a symlink, the link itself. */
  bytes: number;
}

export interface InspectOptions {
  credentialsPath: string;
  config: Pick<Config, 'clientIdPattern' | 'connections'>;
  scan: BrowserScan;
  /** This machine's hostname (os.hostname()), to judge SingletonLock owners. */
  hostname: string;
  signal?: AbortSignal;
}

const sessionName = /^session-(.+)$/s;

/**
 * Lists and classifies every entry under the credentials path without
 * following symlinks, and measures each with `allocatedBytes`.
 */
export async function inspectCredentials(options: InspectOptions): Promise<CredentialFolder[]> {
  const root = await realpath(options.credentialsPath);
  const names = (await readdir(root)).sort();
  const browsers = await canonicalBrowsers(options.scan.browsers);

  const folders: CredentialFolder[] = [];
  for (const name of names) {
    options.signal?.throwIfAborted();
    const folder = await inspectEntry(root, name, browsers, options);
    if (folder) folders.push(folder);
  }
  const sizes = await allocatedBytes(
    folders.map((folder) => folder.path),
    { signal: options.signal },
  );
  for (const folder of folders) folder.bytes = sizes.get(folder.path) ?? 0;
  return folders;
}

interface CanonicalBrowser {
  process: BrowserProcess;
  /** The real path of the browser's profile on this machine, or null when unknown. */
  canonical: string | null;
}

async function canonicalBrowsers(browsers: BrowserProcess[]): Promise<CanonicalBrowser[]> {
  return Promise.all(
    browsers.map(async (process) => ({
      process,
      canonical: process.hostPath === null ? null : await canonicalPath(process.hostPath),
    })),
  );
}

/** Resolves symlinks when the path exists, else normalizes it. */
async function canonicalPath(target: string): Promise<string> {
  try {
    return await realpath(target);
  } catch {
    return path.resolve(target);
  }
}

async function inspectEntry(
  root: string,
  name: string,
  browsers: CanonicalBrowser[],
  options: InspectOptions,
): Promise<CredentialFolder | undefined> {
  const entryPath = path.join(root, name);
  let stats: Stats;
  try {
    stats = await lstat(entryPath);
  } catch {
    return undefined; // removed since readdir
  }
  const entryType = entryTypeOf(stats);
  const clientId = entryType === 'directory' ? (sessionName.exec(name)?.[1] ?? null) : null;
  const connection = clientId === null ? undefined : connectionOfClientId(options.config, clientId);
  const kind: FolderKind = clientId === null ? 'unknown' : connection ? 'registered' : 'unused';

  const canonical = await canonicalPath(entryPath);
  const users = browsers.filter((browser) => browser.canonical === canonical);
  const possible = browsers.filter(
    (browser) =>
      browser.canonical === null && path.posix.basename(browser.process.userDataDir) === name,
  );
  const usesFolder = (process: BrowserProcess) => users.some((user) => user.process === process);
  const lock = entryType === 'directory' ? await judgedLock(entryPath, usesFolder, options) : null;

  return {
    name,
    path: entryPath,
    entryType,
    kind,
    clientId,
    connectionId: connection?.id ?? null,
    browsers: users.map(({ process }) => ({
      pid: process.pid,
      namespacePid: process.namespacePid,
      container: process.container?.name ?? null,
      service: process.container?.service ?? null,
    })),
    possibleBrowsers: possible.map((browser) => browser.process.pid),
    inUse: users.length > 0,
    duplicate: users.length > 1,
    lock,
    bytes: 0,
  };
}

async function judgedLock(
  folder: string,
  usesFolder: (process: BrowserProcess) => boolean,
  options: InspectOptions,
): Promise<CredentialFolder['lock']> {
  const lock = await readSingletonLock(folder);
  if (!lock) return null;
  const verdict = judgeLock(lock, { hostname: options.hostname, scan: options.scan }, usesFolder);
  return { ...lock, state: verdict.state, reason: verdict.reason };
}

function entryTypeOf(stats: Stats): EntryType {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isDirectory()) return 'directory';
  if (stats.isFile()) return 'file';
  return 'other';
}
