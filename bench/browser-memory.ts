import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { configSchema } from '../src/config/schema.js';
import { ConnectionPool, silentLogger, type BrowserMemory } from '../src/core/index.js';
import {
  chromiumExecutable,
  chromiumPidsFor,
  connectSimulator,
  sandboxChromiumArgs,
  writeSimulatorPage,
} from '../test/simulator/index.js';
import { waitUntil } from './serve-process.js';

const ids = ['1', '2', '3'];

/** Time a connection stays CONNECTED before its memory is read, in ms. */
const settleMs = 5_000;

export interface ConnectionMemory {
  id: string;
  pssBytes: number;
  rssBytes: number;
  processes: number;
}

export interface BrowserMemoryBench {
  /** One connection running alone. */
  alone: ConnectionMemory;
  /** Each of three connections running at once; PSS splits the pages they share. */
  together: ConnectionMemory[];
}

/**
 * Reads the browser memory that the connection core reports in its snapshot:
 * PSS and RSS summed over the browser's process tree. Connections use the
 * default profile and have reached CONNECTED on the simulator, first one
 * alone, then three at once. The pool runs in this process with a liveness
 * probe every second, and the memory is read after each probe.
 */
export async function benchBrowserMemory(): Promise<BrowserMemoryBench> {
  const folder = await mkdtemp(path.join(tmpdir(), 'wr-bench-memory-'));
  const credentialsDir = path.join(folder, 'auth');
  const page = await writeSimulatorPage(path.join(folder, 'cache'));
  const config = configSchema.parse({
    connections: ids.map((id) => ({ id })),
    paths: { credentials: credentialsDir },
    chromium: { executablePath: chromiumExecutable, extraArgs: [...sandboxChromiumArgs] },
    whatsapp: page,
  });
  const pool = new ConnectionPool({
    config,
    credentialsDir,
    logger: silentLogger,
    timing: { probeIntervalMs: 1_000 },
  });
  let result: BrowserMemoryBench;
  let left: number[];
  try {
    result = await measure(pool);
  } finally {
    await pool.stopAll();
    left = ids.flatMap((id) => chromiumPidsFor(pool.connection(id).sessionDir));
    await rm(folder, { recursive: true, force: true });
  }
  if (left.length > 0) throw new Error(`Chromium left after stopAll: pids ${left.join(', ')}`);
  return result;
}

/** Connects connection 1 and reads its memory, then connects 2 and 3 and reads all three. */
async function measure(pool: ConnectionPool): Promise<BrowserMemoryBench> {
  await connect(pool, '1');
  await sleep(settleMs);
  const alone = await freshMemory(pool, '1');

  await Promise.all(['2', '3'].map((id) => connect(pool, id)));
  await sleep(settleMs);
  const together = await Promise.all(ids.map((id) => freshMemory(pool, id)));
  return { alone, together };
}

/** Starts connection `id`, scans its QR on the simulator and waits for CONNECTED. */
async function connect(pool: ConnectionPool, id: string): Promise<void> {
  await pool.start(id);
  const connection = pool.connection(id);
  // LocalAuth makes the session folder Chromium's user data folder.
  const simulator = await connectSimulator(connection.sessionDir);
  try {
    await simulator.scan();
  } finally {
    await simulator.close();
  }
  await waitUntil(() => connection.snapshot().state === 'CONNECTED', `connection ${id} CONNECTED`);
}

/**
 * Waits for the next memory reading the core takes after a liveness probe
 * and returns it; throws when /proc could not be read in full.
 */
async function freshMemory(pool: ConnectionPool, id: string): Promise<ConnectionMemory> {
  const connection = pool.connection(id);
  const previous = connection.snapshot().memory;
  await waitUntil(
    () => connection.snapshot().memory !== previous,
    `a new memory reading of connection ${id}`,
    10_000,
  );
  const memory = connection.snapshot().memory as BrowserMemory;
  if (memory.pssBytes === null || memory.rssBytes === null) {
    throw new Error(`connection ${id}: memory unreadable: ${memory.unreadable.join('; ')}`);
  }
  return { id, pssBytes: memory.pssBytes, rssBytes: memory.rssBytes, processes: memory.processes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchBrowserMemory(), null, 2));
}
