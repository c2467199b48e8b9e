import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, WrError } from '../errors.js';

/** Contents of a restart lock file. */
export interface LockOwner {
  pid: number;
  /** ISO time the holder took the lock. */
  startedAt: string;
  /** Start time of the holder process in clock ticks after boot (/proc/<pid>/stat field 22), so a reused pid is not taken for the holder. */
  processStart: string | null;
}

export interface RestartLock {
  path: string;
  /** Whether a lock left by a dead process was taken over. */
  takenOver: LockOwner | null;
  release(): Promise<void>;
}

/** Returns the lock file of a project's restarts under `folder`. */
export function lockPath(folder: string, project: string): string {
  return path.join(folder, `restart-${project.replace(/[^\w.-]/g, '_')}.lock`);
}

/**
 * Takes the restart lock of `project`, or throws RESTART_LOCKED naming the
 * live holder's pid and start time. A lock whose process is gone is taken
 * over. The file is created with O_EXCL, so of two processes only one wins.
 */
export async function acquireRestartLock(
  folder: string,
  project: string,
  now: () => Date,
  procRoot = '/proc',
): Promise<RestartLock> {
  await createFolder(folder);
  const file = lockPath(folder, project);
  const owner: LockOwner = {
    pid: process.pid,
    startedAt: now().toISOString(),
    processStart: processStartTime(procRoot, process.pid),
  };
  let takenOver: LockOwner | null = null;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await createExclusive(file, owner)) {
      return { path: file, takenOver, release: () => releaseLock(file, owner) };
    }
    const holder = await readOwner(file);
    if (holder && isAlive(holder, procRoot)) throw lockedError(file, holder);
    if (holder && (await removeStale(file, holder))) takenOver = holder;
  }
  throw new WrError('RESTART_LOCKED', `could not take the restart lock ${file}`, {
    hint: `another wr restart is taking it at the same time; rerun later`,
  });
}

async function createFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new WrError(
      'LOCK_FOLDER',
      `cannot create the lock folder ${folder}: ${errnoCode(error) ?? (error as Error).message}`,
      { hint: 'run as root, or choose a writable folder with --lock-dir or WR_LOCK_DIR' },
    );
  }
}

async function createExclusive(file: string, owner: LockOwner): Promise<boolean> {
  try {
    await writeFile(file, `${JSON.stringify(owner)}\n`, { flag: 'wx', mode: 0o644 });
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw new WrError(
      'LOCK_FOLDER',
      `cannot write the restart lock ${file}: ${errnoCode(error) ?? (error as Error).message}`,
      { hint: 'run as root, or choose a writable folder with --lock-dir or WR_LOCK_DIR' },
    );
  }
}

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number') return { pid: 0, startedAt: '?', processStart: null };
    return {
      pid: parsed.pid,
      startedAt: parsed.startedAt ?? '?',
      processStart: parsed.processStart ?? null,
    };
  } catch (error) {
    // Removed in the meantime: the next attempt creates it.
    if (errnoCode(error) === 'ENOENT') return null;
    // Unreadable or half-written content names no live process.
    return { pid: 0, startedAt: '?', processStart: null };
  }
}

/** A holder is alive while its pid exists with the same process start time. */
function isAlive(holder: LockOwner, procRoot: string): boolean {
  if (holder.pid <= 0) return false;
  const start = processStartTime(procRoot, holder.pid);
  if (start === null) return false;
  return holder.processStart === null || holder.processStart === start;
}

/** Reads field 22 (starttime) of /proc/<pid>/stat, or null when the process does not exist. */
export function processStartTime(procRoot: string, pid: number): string | null {
  try {
    const stat = readFileSync(path.join(procRoot, String(pid), 'stat'), 'utf8');
    // Fields after the command name, which may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Moves a stale lock aside and deletes it. Renaming is atomic, so when two
 * processes take over at once the second one moves the first one's new lock
 * instead; it sees that from the contents and puts that lock back.
 */
async function removeStale(file: string, stale: LockOwner): Promise<boolean> {
  const aside = `${file}.stale-${process.pid}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw error;
  }
  const moved = await readOwner(aside);
  if (moved && (moved.pid !== stale.pid || moved.startedAt !== stale.startedAt)) {
    // NOTE: link fails when a third process created a lock meanwhile; that one then stands.
    await link(aside, file).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return false;
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

async function releaseLock(file: string, owner: LockOwner): Promise<void> {
  const holder = await readOwner(file);
  if (holder?.pid === owner.pid && holder.startedAt === owner.startedAt) {
    await unlink(file).catch(() => undefined);
  }
}

function lockedError(file: string, holder: LockOwner): WrError {
  return new WrError(
    'RESTART_LOCKED',
    `another wr restart of this project is running: pid ${holder.pid}, started ${holder.startedAt} (lock ${file})`,
    {
      hint: `wait for it to finish; if pid ${holder.pid} is not a wr restart, delete ${file} and rerun`,
    },
  );
}
