import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ControlClient } from '../control/client.js';
import { WrError } from '../errors.js';
import { isBrowserMain, normalizeArgv, userDataDirOf } from '../host/browsers.js';

/** Result of pausing a connection on the host before a local run. */
export interface HostPause {
  /** Whether the host paused the connection, so that `resume` starts it again. */
  paused: boolean;
  /** Whether the connection was paused on the host before the run, so it stays paused. */
  alreadyPaused: boolean;
  /** Address of the control API, for messages. */
  address: string;
  resume(): Promise<void>;
}

/**
 * Pauses connection `id` on the host through the control API (POST stop),
 * unless the operator paused it before, in which case it stays paused after the run.
 * When the host is unreachable, the local run may go on only if no live
 * Chromium uses `sessionDir`. Otherwise this raises an error naming its pid.
 */
export async function pauseOnHost(
  client: ControlClient,
  id: string,
  sessionDir: string,
  procRoot: string,
): Promise<HostPause> {
  const keep = { paused: false, address: client.address, resume: () => Promise.resolve() };
  try {
    if ((await client.get(id)).paused) return { ...keep, alreadyPaused: true };
    await client.stop(id);
  } catch (error) {
    if (!(error instanceof WrError) || error.code !== 'CONTROL_UNREACHABLE') throw error;
    const pids = await browserPidsOn(procRoot, sessionDir);
    if (pids.length > 0) throw sessionInUse(error, sessionDir, pids);
    return { ...keep, alreadyPaused: false };
  }
  return {
    paused: true,
    alreadyPaused: false,
    address: client.address,
    resume: async () => {
      await client.start(id);
    },
  };
}

function sessionInUse(cause: WrError, sessionDir: string, pids: number[]): WrError {
  return new WrError(
    'SESSION_IN_USE',
    `${cause.message}, and Chromium pid ${pids.join(', ')} uses ${sessionDir}`,
    {
      hint: `start the host so that wr can pause the connection, or stop pid ${pids[0]} first`,
      cause,
    },
  );
}

/** Lists the pids of browser main processes whose `--user-data-dir` is `sessionDir`. */
export async function browserPidsOn(procRoot: string, sessionDir: string): Promise<number[]> {
  const target = path.resolve(sessionDir);
  const pids: number[] = [];
  for (const entry of await readdir(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      const text = await readFile(path.join(procRoot, entry, 'cmdline'), 'utf8');
      argv = normalizeArgv(text.split('\0').filter((part) => part !== ''));
    } catch {
      // The process exited while /proc was read.
      continue;
    }
    const folder = userDataDirOf(argv);
    if (isBrowserMain(argv) && folder !== undefined && path.resolve(folder) === target) {
      pids.push(Number(entry));
    }
  }
  return pids;
}
