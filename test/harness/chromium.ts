import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { removeSocketDir } from '../../src/disk/singleton.js';
import { sandboxChromiumArgs } from '../simulator/chromium.js';

/** The Debian wrapper, which execs the browser binary in place, so the spawned pid is the browser. */
export const chromiumWrapper = '/usr/bin/chromium';
export const chromiumBinary = '/usr/lib/chromium/chromium';

// The same flags as every test browser: headless, and resolving no host.
const flags = sandboxChromiumArgs;
const startTimeoutMs = 30_000;
const stopTimeoutMs = 10_000;

/** A real headless Chromium on a profile folder, leader of its own session and process group. */
export interface LiveChromium {
  pid: number;
  userDataDir: string;
  /** Ends every process of its session: SIGTERM, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** Throws a message naming the package when Chromium is not installed. */
export function requireChromium(): void {
  for (const file of [chromiumWrapper, chromiumBinary]) {
    try {
      accessSync(file, constants.X_OK);
    } catch {
      throw new Error(`${file} not found; install chromium: apt-get install chromium`);
    }
  }
}

/** Launches Chromium on `userDataDir` and waits until the profile and its SingletonLock exist. */
export async function launchChromium(userDataDir: string): Promise<LiveChromium> {
  requireChromium();
  const child = spawn(
    chromiumWrapper,
    [...flags, `--user-data-dir=${userDataDir}`, 'about:blank'],
    {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const pid = child.pid as number;
  // A browser ended by signal leaves its socket folder in /tmp; the lock stays for the tests.
  const stop = () => stopSession(pid).then(() => removeSocketDir(userDataDir));

  const deadline = Date.now() + startTimeoutMs;
  while (!(await profileReady(userDataDir))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`chromium exited (${child.exitCode ?? child.signalCode}) early:\n${stderr}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `chromium wrote no SingletonLock in ${userDataDir} within ${startTimeoutMs} ms:\n${stderr}`,
      );
    }
    await sleep(100);
  }
  return { pid, userDataDir, stop };
}

/**
 * Writes a real profile: launches Chromium on `userDataDir`, waits for the
 * profile, and stops it. The SingletonLock it leaves names this machine and a
 * pid that no longer runs.
 */
export async function writeChromiumProfile(userDataDir: string): Promise<void> {
  const browser = await launchChromium(userDataDir);
  await browser.stop();
}

async function profileReady(userDataDir: string): Promise<boolean> {
  try {
    await lstat(path.join(userDataDir, 'SingletonLock'));
    await lstat(path.join(userDataDir, 'Default'));
    return true;
  } catch {
    return false;
  }
}

/** Pids whose session id (field 6 of /proc/<pid>/stat) is `session`. */
function sessionMembers(session: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[3]) === session && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // Exited while being read.
    }
  }
  return members;
}

async function stopSession(session: number): Promise<void> {
  signalAll(session, 'SIGTERM');
  const deadline = Date.now() + stopTimeoutMs;
  while (sessionMembers(session).length > 0) {
    if (Date.now() > deadline) {
      signalAll(session, 'SIGKILL');
      await sleep(200);
      break;
    }
    await sleep(100);
  }
}

function signalAll(session: number, signal: NodeJS.Signals): void {
  for (const pid of sessionMembers(session)) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
