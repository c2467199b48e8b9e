import { readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'whatsapp-web.js';
import { readSingletonLock } from '../disk/locks.js';
import { removeSingletonFiles } from '../disk/singleton.js';
import { errnoCode } from '../errors.js';
import { processTree } from '../host/memory.js';
import { isRunning, parseStat, readGroupMembers, readProcessGroup } from '../host/proc.js';
import { errorFields, type Logger } from './logger.js';
import { browsersUsing } from './preflight.js';

/**
 * The way a browser is closed. `graceful` lets wwebjs close it, so Chromium
 * writes the session to disk. `kill` sends SIGKILL at once, for a browser
 * with no login to keep (one showing a QR, or one whose session folder is
 * deleted next). A graceful close takes longer, because destroy() waits
 * for Chromium to shut down.
 */
export type CloseMode = 'graceful' | 'kill';

export interface TeardownOptions {
  mode: CloseMode;
  /** The browser's singleton socket folder, read while it ran; removed once the browser is gone. */
  socketDir?: string | null;
  /** How long destroy() may take before the browser is killed, in ms. */
  closeTimeoutMs: number;
  sessionDir: string;
  procRoot: string;
  logger: Logger;
}

/** Settles with `promise`'s value, or with `undefined` after `ms` (the promise keeps running). */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes a client's browser and makes sure no process of it stays behind.
 * In `graceful` mode it calls destroy() first, and kills the browser's
 * process tree with SIGKILL when destroy() fails or takes longer than
 * `closeTimeoutMs` (a frozen page can block it). In `kill` mode it kills the
 * tree at once. When the browser's pid is unknown, such as after a launch
 * abandoned before wwebjs recorded its browser, it kills any browser on the
 * session folder. A killed browser cannot remove its singleton files, so
 * this does. Returns the pids it had to kill besides a browser closed in
 * `kill` mode: processes left after a graceful close, and strays.
 */
export async function closeClient(
  client: Client,
  knownPid: number | null,
  options: TeardownOptions,
): Promise<number[]> {
  const pid = knownPid ?? client.pupBrowser?.process()?.pid ?? null;
  const killed: number[] = [];
  if (options.mode === 'graceful') {
    killed.push(...(await closeGracefully(client, pid, options)));
  } else {
    await killBrowser(pid, options.procRoot);
    // Not awaited: puppeteer may take a while to notice that its browser is
    // gone, and nothing of the browser is left for destroy() to wait for.
    void destroyQuietly(client);
  }
  if (pid === null) killed.push(...(await killStrays(options)));
  await removeOwnSingleton(options.sessionDir, pid === null ? killed : [pid], options.procRoot);
  if (options.socketDir && pid !== null && !(await isAlive(options.procRoot, pid))) {
    await rm(options.socketDir, { recursive: true, force: true });
  }

  if (killed.length > 0) {
    options.logger.warn({ pids: killed }, 'killed browser processes that did not exit on close');
  }
  return killed;
}

/**
 * Lets wwebjs close the browser, then kills what is left of its process
 * tree. Returns the killed pids.
 */
async function closeGracefully(
  client: Client,
  pid: number | null,
  options: TeardownOptions,
): Promise<number[]> {
  const tree = pid === null ? [] : await processTree(options.procRoot, pid);
  await destroyWithin(client, options);
  await waitForExit(options.procRoot, tree, 2_000);
  return killProcesses(options.procRoot, tree);
}

/**
 * Kills the browser `pid` and its descendants with SIGKILL and waits until
 * they are gone. Puppeteer starts the browser in its own process group, so
 * one signal reaches every process at once, and listing the group runs while
 * they exit. A browser that does not lead its group has its tree killed.
 */
async function killBrowser(pid: number | null, procRoot: string): Promise<void> {
  if (pid === null) return;
  if ((await readProcessGroup(procRoot, pid)) !== pid) {
    await killProcesses(procRoot, await processTree(procRoot, pid));
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if (errnoCode(error) !== 'ESRCH') throw error;
  }
  const members = await readGroupMembers(procRoot, pid);
  await waitForExit(procRoot, [pid, ...members], 5_000);
}

async function destroyWithin(client: Client, options: TeardownOptions): Promise<void> {
  const destroyed = client.destroy().then(
    () => true,
    (error: unknown) => {
      options.logger.warn(errorFields(error), 'destroy of the client failed');
      return false;
    },
  );
  await withTimeout(destroyed, options.closeTimeoutMs);
}

/** Lets wwebjs release its resources once its browser is dead, ignoring errors from the dead browser. */
async function destroyQuietly(client: Client): Promise<void> {
  await client.destroy().catch(() => undefined);
}

async function killStrays(options: TeardownOptions): Promise<number[]> {
  const killed: number[] = [];
  for (const stray of await browsersUsing(options.sessionDir, options.procRoot)) {
    killed.push(
      ...(await killProcesses(options.procRoot, await processTree(options.procRoot, stray.pid))),
    );
  }
  return killed;
}

/**
 * Removes the singleton files a browser of `pids` left when it did not exit
 * cleanly, and only when the lock names this machine and one of them that no
 * longer runs.
 */
async function removeOwnSingleton(
  sessionDir: string,
  pids: number[],
  procRoot: string,
): Promise<void> {
  const lock = await readSingletonLock(sessionDir);
  if (lock?.hostname !== hostname() || lock.pid === null || !pids.includes(lock.pid)) return;
  if (await isAlive(procRoot, lock.pid)) return;
  await removeSingletonFiles(sessionDir, { socketDir: true });
}

/** Sends SIGKILL to the processes of `pids` still alive and waits for them to exit. */
async function killProcesses(procRoot: string, pids: number[]): Promise<number[]> {
  const alive = await Promise.all(pids.map((pid) => isAlive(procRoot, pid)));
  const killed: number[] = [];
  pids.forEach((pid, index) => {
    if (!alive[index]) return;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch (error) {
      if (errnoCode(error) !== 'ESRCH') throw error;
    }
  });
  await waitForExit(procRoot, killed, 5_000);
  return killed;
}

/** Polls until none of `pids` is alive or `timeoutMs` passes. */
export async function waitForExit(
  procRoot: string,
  pids: number[],
  timeoutMs: number,
): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    const alive = await Promise.all(pids.map((pid) => isAlive(procRoot, pid)));
    if (!alive.includes(true)) return true;
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) return false;
    // Often at first: a killed browser's processes took 20 to 80 ms to exit
    // on a two-core machine, and a reset's launch waits for them.
    await sleep(elapsed < 250 ? 5 : 50);
  }
}

/** Checks whether `pid` runs: it exists and is not a zombie waiting for its parent. */
export async function isAlive(procRoot: string, pid: number): Promise<boolean> {
  try {
    const stat = await readFile(path.join(procRoot, String(pid), 'stat'), 'utf8');
    return isRunning(parseStat(stat).state);
  } catch {
    return false;
  }
}
