import { lstat, readlink } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import type { BrowserProcess, BrowserScan } from '../host/browsers.js';

/** Chromium's profile lock: a symlink in the profile folder whose target is `<hostname>-<pid>`. */
export interface SingletonLock {
  target: string;
  hostname: string;
  /** Pid of the browser that took the lock, in its own pid namespace. */
  pid: number | null;
}

export type LockState = 'live' | 'stale' | 'unknown';

export interface LockVerdict {
  state: LockState;
  reason: string;
  /** Name of the running container whose hostname the lock names, if any. */
  container: string | null;
}

/** Context for judging locks: this machine's hostname and the browser scan with its containers. */
export interface LockContext {
  hostname: string;
  scan: BrowserScan;
}

/**
 * Reads `SingletonLock` in a profile folder. Returns null when there is none;
 * a lock that is not a symlink is returned with an empty hostname and no pid.
 */
export async function readSingletonLock(folder: string): Promise<SingletonLock | null> {
  const file = path.join(folder, 'SingletonLock');
  try {
    const stats = await lstat(file);
    if (!stats.isSymbolicLink()) return { target: '', hostname: '', pid: null };
    return parseLockTarget(await readlink(file));
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return null;
    throw error;
  }
}

/** Parses `<hostname>-<pid>`; the hostname may itself contain dashes, so the pid is after the last. */
export function parseLockTarget(target: string): SingletonLock {
  const match = /^(.*)-(\d+)$/.exec(target);
  if (!match) return { target, hostname: '', pid: null };
  return { target, hostname: match[1] as string, pid: Number(match[2]) };
}

/**
 * Judges the lock of one profile folder. A lock is live when its hostname is
 * this machine's or a running container's, and a browser main process in that
 * pid namespace, with that pid, uses the folder (`usesFolder`) as its profile.
 * It is unknown when the holder may be a container process that the scan
 * could not match to a container, and stale otherwise.
 */
export function judgeLock(
  lock: SingletonLock,
  context: LockContext,
  usesFolder: (browser: BrowserProcess) => boolean,
): LockVerdict {
  if (lock.pid === null) {
    const reason = `lock target "${lock.target}" is not <hostname>-<pid>`;
    return { state: 'unknown', reason, container: null };
  }
  const owners = ownersOf(lock.hostname, context);
  for (const owner of owners) {
    const holder = context.scan.browsers.find(
      (browser) =>
        belongsTo(browser, owner) && browser.namespacePid === lock.pid && usesFolder(browser),
    );
    if (holder) {
      return { state: 'live', reason: `held by browser pid ${holder.pid}`, container: owner };
    }
  }
  return noHolderVerdict(lock, owners, context.scan);
}

function noHolderVerdict(
  lock: SingletonLock,
  owners: Array<string | null>,
  scan: BrowserScan,
): LockVerdict {
  if (owners.length === 0) {
    if (!scan.containersMatched) {
      const reason = `hostname "${lock.hostname}" is not this machine's, and running containers could not be listed`;
      return { state: 'unknown', reason, container: null };
    }
    const reason = `hostname "${lock.hostname}" is neither this machine's nor a running container's`;
    return { state: 'stale', reason, container: null };
  }
  // A container sharing this machine's hostname (network_mode: host) may
  // hold the lock from a pid namespace that could not be matched; only a
  // browser with the lock's pid in its own namespace can be that holder.
  const unmatched = scan.browsers.filter((browser) => !browser.onHost && !browser.container);
  if (unmatched.some((browser) => browser.namespacePid === lock.pid)) {
    const reason = `no browser with pid ${lock.pid} found, but a container browser with that pid could not be matched`;
    return { state: 'unknown', reason, container: null };
  }
  const where = owners.map((owner) => (owner === null ? 'this machine' : `container ${owner}`));
  const reason = `no browser with pid ${lock.pid} on ${where.join(' or ')} uses this folder`;
  return { state: 'stale', reason, container: null };
}

/** Lists the owners a lock's hostname can name: null for this machine, else container names. */
function ownersOf(hostname: string, context: LockContext): Array<string | null> {
  const owners: Array<string | null> = [];
  if (hostname === context.hostname) owners.push(null);
  for (const container of context.scan.containers) {
    if (container.hostname === hostname) owners.push(container.name);
  }
  return owners;
}

function belongsTo(browser: BrowserProcess, owner: string | null): boolean {
  return owner === null ? browser.onHost : browser.container?.name === owner;
}
