import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ControlClient } from '../src/control/client.js';
import type { ConnectionSnapshot } from '../src/core/types.js';
import {
  chromiumExecutable,
  sandboxChromiumArgs,
  type SimulatorClientOptions,
} from '../test/simulator/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ServeHostOptions {
  /** Folder for the config, the credentials and the control socket. */
  folder: string;
  /** Web version and cache options from writeSimulatorPage. */
  page: SimulatorClientOptions;
  /** Connection ids; each gets the default profile. */
  connections: string[];
  /**
   * Runs `wr serve` inside bench/serve-host.ts under --expose-gc, which can
   * report the heap after a forced GC; otherwise runs `bin/wr serve`.
   */
  measureHeap?: boolean;
}

/** A `wr serve` child process and a control client for it. */
export interface ServeHost {
  pid: number;
  client: ControlClient;
  credentialsDir: string;
  /** Heap in use after a forced full GC, in bytes; needs `measureHeap`. */
  heapUsed(): Promise<number>;
  /** Sends SIGTERM and resolves with the exit code once the process has ended. */
  stop(): Promise<number | null>;
}

/**
 * Starts `wr serve` for `connections` on the simulator page and resolves once
 * every connection shows a QR. Chromium reaches no network: the page comes
 * from the web version cache, and the sandbox flags resolve no host name.
 */
export async function startServeHost(options: ServeHostOptions): Promise<ServeHost> {
  const credentialsDir = path.join(options.folder, 'auth');
  const socketPath = path.join(options.folder, 'control.sock');
  const configFile = path.join(options.folder, 'wr.config.json');
  writeFileSync(configFile, JSON.stringify(serveConfig(options, credentialsDir, socketPath)));

  const child = launch(configFile, options.measureHeap === true);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const client = new ControlClient({ socketPath });

  try {
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`wr serve exited ${child.exitCode}`);
      const connections = await client.list().catch(() => [] as ConnectionSnapshot[]);
      return connections.length > 0 && connections.every((entry) => entry.state === 'QR');
    }, 'every connection of wr serve to show a QR');
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`${(error as Error).message}; wr serve log:\n${stderr}`);
  }

  return {
    pid: child.pid as number,
    client,
    credentialsDir,
    heapUsed: () => requestHeap(child),
    async stop() {
      child.kill('SIGTERM');
      const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout' as const)]);
      if (code !== 'timeout') return code;
      child.kill('SIGKILL');
      throw new Error(`wr serve (pid ${child.pid}) did not stop within 30 s of SIGTERM`);
    },
  };
}

function serveConfig(options: ServeHostOptions, credentialsDir: string, socketPath: string) {
  return {
    connections: options.connections.map((id) => ({ id })),
    paths: { credentials: credentialsDir },
    chromium: { executablePath: chromiumExecutable, extraArgs: [...sandboxChromiumArgs] },
    whatsapp: options.page,
    control: { socket: socketPath },
  };
}

function launch(configFile: string, measureHeap: boolean): ChildProcess {
  const args = ['--config', configFile, 'serve'];
  // Only PATH and HOME, so no WR_* variable of the caller changes the config.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  if (!measureHeap) {
    const bin = path.join(root, 'bin/wr');
    if (!existsSync(path.join(root, 'dist/src/main.js'))) {
      throw new Error('dist/ is missing: run npm run build first');
    }
    return spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return fork(path.join(root, 'bench/serve-host.ts'), args, {
    env,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
}

function requestHeap(child: ChildProcess): Promise<number> {
  if (!child.send) throw new Error('heapUsed needs a host started with measureHeap');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no heap report within 10 s')), 10_000);
    const onMessage = (message: { type?: string; heapUsedBytes?: number }) => {
      if (message.type !== 'heap') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message.heapUsedBytes as number);
    };
    child.on('message', onMessage);
    child.send?.({ type: 'heap' });
  });
}

/** Polls `check` every 100 ms until it returns true; throws naming `description` after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  description: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await sleep(100);
  }
}
