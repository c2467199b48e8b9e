import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import Dockerode from 'dockerode';

/** A dockerd started for tests, with its own socket, data root and exec root. */
export interface PrivateDockerd {
  /** `unix://<socketPath>`, the form `docker.host` takes. */
  host: string;
  socketPath: string;
  /** The /tmp/wr-dockerd-* folder holding everything this daemon writes. */
  root: string;
  storageDriver: string;
  /** Removes this daemon's containers, ends it by its PID and deletes its folder. */
  stop(): Promise<void>;
}

export interface StartDockerdOptions {
  /** Storage drivers to try in order (default overlay2, then vfs). */
  storageDrivers?: string[];
  /** Name of the daemon executable, looked up in PATH (default dockerd). */
  executable?: string;
  /**
   * Lets the daemon outlive this process, as the sandbox needs: it runs in its
   * own process group and is not waited for. Stop it later with
   * stopDetachedDockerd(root).
   */
  detached?: boolean;
}

const startTimeoutMs = 30_000;
const stopTimeoutMs = 15_000;

/**
 * Starts Debian's dockerd on a fresh /tmp/wr-dockerd-* folder. It has no
 * bridge and leaves iptables alone, so containers must use NetworkMode
 * "none". The overlay2 storage driver is tried first, then vfs where overlay
 * cannot mount. Nothing is shared with a system engine or another private
 * daemon: the socket, data root, exec root, pidfile and config file all live
 * in the folder.
 */
export async function startDockerd(options: StartDockerdOptions = {}): Promise<PrivateDockerd> {
  const dockerd = findExecutable(options.executable ?? 'dockerd');
  const root = await mkdtemp('/tmp/wr-dockerd-');
  const socketPath = path.join(root, 'docker.sock');
  // dockerd 20.10 keeps its identity key in /etc/docker/key.json unless this
  // hidden setting moves it, and private daemons share nothing outside root.
  const settings = { 'deprecated-key-path': path.join(root, 'key.json') };
  await writeFile(path.join(root, 'daemon.json'), JSON.stringify(settings));

  let lastError: Error | undefined;
  const storageDrivers = options.storageDrivers ?? ['overlay2', 'vfs'];
  for (const storageDriver of storageDrivers) {
    const child = launch(dockerd, root, socketPath, storageDriver, options.detached ?? false);
    try {
      await waitForPing(socketPath, child);
      if (options.detached) child.unref();
      const stop = () => stopDockerdAt(root, child.pid as number);
      return { host: `unix://${socketPath}`, socketPath, root, storageDriver, stop };
    } catch (error) {
      lastError = error as Error;
      await endProcess(child.pid as number, root);
      await unmountUnder(root);
    }
  }
  const log = await readFile(path.join(root, 'dockerd.log'), 'utf8').catch(() => '');
  await removeFolder(root);
  throw new Error(
    `dockerd did not start with storage driver ${storageDrivers.join(' nor ')}: ${lastError?.message}\n` +
      `last lines of its log:\n${log.split('\n').slice(-15).join('\n')}`,
  );
}

function findExecutable(name: string): string {
  const folders = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin']);
  for (const folder of folders) {
    const candidate = path.join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  throw new Error(`${name} not found in PATH; install it with: apt-get install docker.io`);
}

function launch(
  dockerd: string,
  root: string,
  socketPath: string,
  storageDriver: string,
  detached: boolean,
): ChildProcess {
  const log = openSync(path.join(root, 'dockerd.log'), 'a');
  const child = spawn(
    dockerd,
    [
      `--host=unix://${socketPath}`,
      `--data-root=${path.join(root, 'data')}`,
      `--exec-root=${path.join(root, 'exec')}`,
      `--pidfile=${path.join(root, 'docker.pid')}`,
      `--config-file=${path.join(root, 'daemon.json')}`,
      `--storage-driver=${storageDriver}`,
      '--bridge=none',
      '--iptables=false',
      '--ip6tables=false',
      '--shutdown-timeout=2',
    ],
    {
      detached,
      stdio: ['ignore', log, log],
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/bin:/sbin:/bin` },
    },
  );
  closeSync(log);
  return child;
}

async function waitForPing(socketPath: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `dockerd exited (${child.exitCode ?? child.signalCode}) before responding to /_ping`,
      );
    }
    if (await ping(socketPath)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`dockerd on ${socketPath}: /_ping timed out after ${startTimeoutMs} ms`);
}

/** Asks the engine on a Unix socket for `/_ping`; true when it responds 200 within a second. */
export function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: '/_ping', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/**
 * Stops a daemon that startDockerd({ detached: true }) started, possibly in
 * another process, from its folder: the pid comes from the pidfile there.
 */
export async function stopDetachedDockerd(root: string): Promise<void> {
  if (!root.startsWith('/tmp/wr-dockerd-')) {
    throw new Error(`${root} is not a private dockerd folder (/tmp/wr-dockerd-*)`);
  }
  const pidText = await readFile(path.join(root, 'docker.pid'), 'utf8').catch(() => '');
  await stopDockerdAt(root, Number(pidText.trim()) || null);
}

async function stopDockerdAt(root: string, pid: number | null): Promise<void> {
  await removeAllContainers(path.join(root, 'docker.sock')).catch(() => undefined);
  if (pid !== null) await endProcess(pid, root);
  killLeftovers(root);
  await unmountUnder(root);
  await removeFolder(root);
}

async function removeAllContainers(socketPath: string): Promise<void> {
  const docker = new Dockerode({ socketPath });
  const containers = await docker.listContainers({ all: true });
  await Promise.all(
    containers.map((container) => docker.getContainer(container.Id).remove({ force: true })),
  );
}

/**
 * Sends SIGTERM to the daemon, then SIGKILL if it still runs after
 * stopTimeoutMs. The pid is signalled only while its command line names
 * root, so a pid reused by another process is left alone.
 */
async function endProcess(pid: number, root: string): Promise<void> {
  if (!isDaemonOf(pid, root)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + stopTimeoutMs;
  while (isDaemonOf(pid, root)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Returns whether pid is a live (not zombie) process whose command line names root. */
function isDaemonOf(pid: number, root: string): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(root);
  } catch {
    return false;
  }
}

/**
 * Kills processes that still name this daemon's folder on their command line:
 * the containerd it started and container shims, left behind only when
 * dockerd had to be killed. The folder name is unique, so no other process
 * can match.
 */
function killLeftovers(root: string): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!commandLine.includes(`${root}/`)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
    } catch {
      // It ended on its own.
    }
  }
}

/** Unmounts what the daemon left mounted under root (overlay layers, netns, shm), deepest first. */
async function unmountUnder(root: string): Promise<void> {
  const mountPoints = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined && point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mountPoints) {
    spawnSync('umount', ['--lazy', point], { stdio: 'ignore' });
  }
}

async function removeFolder(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true, maxRetries: 3 });
}
