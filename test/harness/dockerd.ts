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
export async function startDockerd(): Promise<PrivateDockerd> {
  const dockerd = findExecutable('dockerd');
  const root = await mkdtemp('/tmp/wr-dockerd-');
  const socketPath = path.join(root, 'docker.sock');
  await writeFile(path.join(root, 'daemon.json'), '{}\n');

  let lastError: Error | undefined;
  for (const storageDriver of ['overlay2', 'vfs']) {
    const child = launch(dockerd, root, socketPath, storageDriver);
    try {
      await waitForPing(socketPath, child);
      const host = `unix://${socketPath}`;
      return { host, socketPath, root, storageDriver, stop: () => stopDockerd(child, root, host) };
    } catch (error) {
      lastError = error as Error;
      await endProcess(child);
      await unmountUnder(root);
    }
  }
  const log = await readFile(path.join(root, 'dockerd.log'), 'utf8').catch(() => '');
  await removeFolder(root);
  throw new Error(
    `dockerd did not start with overlay2 nor vfs: ${lastError?.message}\n` +
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

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: '/_ping', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function stopDockerd(child: ChildProcess, root: string, host: string): Promise<void> {
  await removeAllContainers(host).catch(() => undefined);
  await endProcess(child);
  killLeftovers(root);
  await unmountUnder(root);
  await removeFolder(root);
}

async function removeAllContainers(host: string): Promise<void> {
  const docker = new Dockerode({ socketPath: host.slice('unix://'.length) });
  const containers = await docker.listContainers({ all: true });
  await Promise.all(
    containers.map((container) => docker.getContainer(container.Id).remove({ force: true })),
  );
}

/** Sends SIGTERM to the child, then SIGKILL if it is still there after stopTimeoutMs. */
async function endProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
  await exited;
  clearTimeout(timer);
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
