import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import { errnoCode, usageError, WrError } from '../errors.js';
import { formatBytes } from '../output/format.js';
import type { CredentialFolder } from './credentials.js';
import {
  listRemaining,
  removeTree,
  type RemainingEntries,
  type RemovalFailure,
} from './remove-tree.js';
import { allocatedBytes } from './size.js';

/**
 * Action on one folder. `keep` is never deleted, and `delete` is planned (in
 * a dry run, what would be deleted). `deleted` and `failed` are outcomes of a
 * deletion. `skipped` was planned but not deleted, because the operator
 * declined or the folder changed.
 */
export type PruneAction = 'keep' | 'delete' | 'deleted' | 'failed' | 'skipped';

export interface PruneFolder {
  path: string;
  clientId: string | null;
  connectionId: string | null;
  bytes: number;
  action: PruneAction;
  reason: string;
  /** For a failed deletion: the bytes removed before it failed (`bytes` is what remains). */
  freedBytes?: number;
  /** For a failed deletion: the first entry that could not be removed, and why. */
  failure?: RemovalFailure;
  /** For a failed deletion: the entries left under the folder. */
  remaining?: RemainingEntries;
}

/** Decides for one folder: delete only an unused, idle `session-*` directory. */
export function decide(folder: CredentialFolder): { action: 'keep' | 'delete'; reason: string } {
  const keep = (reason: string) => ({ action: 'keep' as const, reason });
  if (folder.entryType === 'symlink') return keep('symlink (never followed)');
  if (folder.entryType !== 'directory') return keep(`not a directory (${folder.entryType})`);
  if (folder.kind === 'unknown') return keep('not a session-* folder');
  if (folder.kind === 'registered') return keep(`folder of connection ${folder.connectionId}`);
  if (folder.inUse) return keep(`in use by ${describeUsers(folder)}`);
  if (folder.possibleBrowsers.length > 0) {
    const pids = folder.possibleBrowsers.join(', ');
    return keep(`may be in use by browser pid ${pids} in a container that could not be matched`);
  }
  if (folder.lock?.state === 'live') return keep(`SingletonLock is live: ${folder.lock.reason}`);
  if (folder.lock?.state === 'unknown') {
    return keep(`SingletonLock ${folder.lock.target} cannot be judged: ${folder.lock.reason}`);
  }
  const lockNote = folder.lock ? `, stale SingletonLock ${folder.lock.target}` : '';
  return {
    action: 'delete',
    reason: `no connection has clientId ${folder.clientId}, no browser uses it${lockNote}`,
  };
}

function describeUsers(folder: CredentialFolder): string {
  const users = folder.browsers.map((browser) =>
    browser.container
      ? `pid ${browser.pid} in container ${browser.container}`
      : `pid ${browser.pid}`,
  );
  return `browser ${users.join(', ')}`;
}

/** Plans the prune of inspected folders. */
export function planPrune(folders: CredentialFolder[]): PruneFolder[] {
  return folders.map((folder) => ({
    path: folder.path,
    clientId: folder.clientId,
    connectionId: folder.connectionId,
    bytes: folder.bytes,
    ...decide(folder),
  }));
}

/**
 * Deletes one planned folder after checking, right before the deletion, that
 * it is still a real directory (not a symlink) directly inside `root`.
 * Symlinks inside the folder are removed, never followed. The folder is sized
 * right before and, on a failure part-way, right after the deletion, by the
 * same method, so that the bytes removed and the bytes left add up.
 */
export async function deleteFolder(root: string, folder: PruneFolder): Promise<PruneFolder> {
  try {
    await assertContained(root, folder.path);
  } catch (error) {
    return { ...folder, action: 'skipped', reason: (error as Error).message };
  }
  const before = await sizeOf(folder.path);
  const [failure] = await removeTree(folder.path);
  if (!failure) return { ...folder, bytes: before, action: 'deleted' };

  const after = await sizeOf(folder.path);
  const freed = Math.max(0, before - after);
  const remaining = await listRemaining(folder.path);
  return {
    ...folder,
    bytes: after,
    freedBytes: freed,
    failure,
    remaining,
    action: 'failed',
    reason: describePartialDeletion(failure, before, freed, after, remaining),
  };
}

/** `deletion failed part-way: EPERM on <path>; 12.0 KiB of 16.0 KiB removed, ...`. */
function describePartialDeletion(
  failure: RemovalFailure,
  before: number,
  freed: number,
  after: number,
  remaining: RemainingEntries,
): string {
  const entries = remaining.count === 1 ? '1 entry' : `${remaining.count} entries`;
  const examples = remaining.examples.length ? ` (${remaining.examples.join(', ')})` : '';
  const left = remaining.count === 0 ? 'the empty folder' : `${entries}${examples}`;
  return (
    `deletion failed part-way: ${failure.code} on ${failure.path}; ` +
    `${formatBytes(freed)} of ${formatBytes(before)} removed, ${formatBytes(after)} left in ${left}`
  );
}

/** Rejects a path that is a symlink, not a directory, or not directly inside the real `root`. */
async function assertContained(root: string, target: string): Promise<void> {
  const stats = await lstat(target);
  if (stats.isSymbolicLink()) throw new Error(`${target} became a symlink; not deleted`);
  if (!stats.isDirectory()) throw new Error(`${target} is no longer a directory; not deleted`);
  const realRoot = await realpath(root);
  const real = await realpath(target);
  if (path.dirname(real) !== realRoot || real !== path.join(realRoot, path.basename(target))) {
    throw new WrError('PRUNE_OUTSIDE', `${target} resolves to ${real}, outside ${realRoot}`);
  }
}

async function sizeOf(target: string): Promise<number> {
  try {
    return (await allocatedBytes([target])).get(target) ?? 0;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return 0;
    throw error;
  }
}

/** Sources of home directories besides /root, /home and its children. */
export interface HomeSources {
  homedir: string;
  passwdFile: string;
}

const defaultHomeSources: HomeSources = { homedir: os.homedir(), passwdFile: '/etc/passwd' };

/**
 * Rejects a credentials path that is missing, not a directory, `/`, or a
 * home directory, since pruning there would delete an operator's files.
 * Returns the real path of the folder.
 */
export async function assertSafeCredentialsRoot(
  credentialsPath: string,
  homes: HomeSources = defaultHomeSources,
): Promise<string> {
  let real: string;
  try {
    real = await realpath(credentialsPath);
  } catch (error) {
    throw usageError(
      'CREDENTIALS_MISSING',
      `credentials path ${credentialsPath} cannot be read: ${errnoCode(error) ?? String(error)}`,
      'set paths.credentials in wr.config.json to the LocalAuth data folder (.wwebjs_auth)',
    );
  }
  if (!(await lstat(real)).isDirectory()) {
    throw usageError(
      'CREDENTIALS_NOT_DIRECTORY',
      `credentials path ${credentialsPath} is not a directory`,
    );
  }
  if (real === '/' || (await homeDirectories(homes)).has(real)) {
    throw usageError(
      'CREDENTIALS_UNSAFE',
      `credentials path ${credentialsPath} (${real}) is ${real === '/' ? 'the root directory' : 'a home directory'}; prune-credentials does not run there`,
      'set paths.credentials in wr.config.json to the LocalAuth data folder (.wwebjs_auth)',
    );
  }
  return real;
}

async function homeDirectories(homes: HomeSources): Promise<Set<string>> {
  const candidates = [homes.homedir, '/root', '/home'];
  try {
    for (const name of await readdir('/home')) candidates.push(path.join('/home', name));
  } catch {
    // No /home on this machine.
  }
  try {
    for (const line of (await readFile(homes.passwdFile, 'utf8')).split('\n')) {
      const home = line.split(':')[5];
      if (home && home.startsWith('/')) candidates.push(home);
    }
  } catch {
    // No readable passwd file; the other sources still apply.
  }
  const real = await Promise.all(
    candidates.map((home) => realpath(home).catch(() => path.resolve(home))),
  );
  return new Set(real);
}
