import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'whatsapp-web.js';
import { errnoCode } from '../errors.js';
import { processTree } from '../host/memory.js';
import { errorFields, type Logger } from './logger.js';
import { browsersUsing } from './preflight.js';

export interface TeardownOptions {
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
 * It calls destroy() first. When destroy() fails or takes longer than
 * `closeTimeoutMs` (a frozen page can block it), it kills the browser's
 * process tree with SIGKILL. Then it kills any browser still on the session
 * folder, such as one from a launch abandoned before wwebjs recorded its
 * browser. Returns the killed pids.
 */
export async function closeClient(
  client: Client,
  knownPid: number | null,
  options: TeardownOptions,
): Promise<number[]> {
  const pid = knownPid ?? client.pupBrowser?.process()?.pid ?? null;
  const tree = pid === null ? [] : await processTree(options.procRoot, pid);

  const destroyed = client.destroy().then(
    () => true,
    (error: unknown) => {
      options.logger.warn(errorFields(error), 'destroy of the client failed');
      return false;
    },
  );
  await withTimeout(destroyed, options.closeTimeoutMs);
  await waitForExit(options.procRoot, tree, 2_000);

  const killed = await killProcesses(options.procRoot, tree);
  const strays = await browsersUsing(options.sessionDir, options.procRoot);
  for (const stray of strays) {
    killed.push(
      ...(await killProcesses(options.procRoot, await processTree(options.procRoot, stray.pid))),
    );
  }
  if (killed.length > 0) {
    options.logger.warn({ pids: killed }, 'killed browser processes that did not exit on close');
  }
  return killed;
}

/** Sends SIGKILL to the processes of `pids` still alive and waits for them to exit. */
async function killProcesses(procRoot: string, pids: number[]): Promise<number[]> {
  const killed: number[] = [];
  for (const pid of pids) {
    if (!(await isAlive(procRoot, pid))) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch (error) {
      if (errnoCode(error) !== 'ESRCH') throw error;
    }
  }
  await waitForExit(procRoot, killed, 5_000);
  return killed;
}

/** Polls until none of `pids` is alive or `timeoutMs` passes. */
export async function waitForExit(
  procRoot: string,
  pids: number[],
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = await Promise.all(pids.map((pid) => isAlive(procRoot, pid)));
    if (!alive.includes(true)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
}

/** Checks whether `pid` runs: it exists and is not a zombie waiting for its parent. */
export async function isAlive(procRoot: string, pid: number): Promise<boolean> {
  try {
    const status = await readFile(path.join(procRoot, String(pid), 'stat'), 'utf8');
    // `stat` is "pid (comm) S ...": the state follows the last ")".
    const state = status.slice(status.lastIndexOf(')') + 2, status.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
