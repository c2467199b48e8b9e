import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isBrowserMain, normalizeArgv } from '../src/host/browsers.js';
import { processTree } from '../src/host/memory.js';
import { readProcesses, type ProcessEntry } from '../src/host/proc.js';
import { chromiumPidsFor, writeSimulatorPage } from '../test/simulator/index.js';
import { startServeHost, type ServeHost } from './serve-process.js';
import { median } from './timing.js';

/** Cycle counts after which the heap is read, besides the last cycle. */
const heapCheckpoints = [0, 1, 10, 50, 100];

/** Processes under the `wr serve` process, read from /proc. */
export interface ProcessCount {
  /** Live Chromium processes descending from the host: the browsers' process trees. */
  live: number;
  /** Browser main processes (no --type=) among them. */
  mains: number;
  /** Descendants of any kind that exited and were never reaped (zombies). */
  zombies: number;
  /** Live descendants outside the process tree of the connection's current browser. */
  leftover: number;
}

export interface ResetCyclesBench {
  cycles: number;
  /** Heap used after a forced full GC, in bytes, after each checkpoint's number of cycles. */
  heap: Array<{ afterCycles: number; heapUsedBytes: number }>;
  /** Heap after the last cycle minus heap before the first, in bytes; the target is under 5 MB. */
  heapGrowthBytes: number;
  before: ProcessCount;
  after: ProcessCount;
  /** Chromium processes still on the session folder once `wr serve` exited on SIGTERM. */
  leftAfterStop: number;
  hostExitCode: number | null;
  /** Median time of one reset (POST until the response, which comes at the new QR), in ms. */
  cycleMs: number;
  totalMs: number;
}

/**
 * Runs `wr serve` with one connection under --expose-gc and resets the
 * connection `cycles` times through the control API, each time until the
 * new browser shows a QR. Compares the host's heap after a forced GC, and
 * its Chromium processes, before and after. The simulator opens the QR after
 * 10 ms, so a cycle costs little more than closing and launching Chromium.
 */
export async function benchResetCycles(cycles = 100): Promise<ResetCyclesBench> {
  const folder = await mkdtemp(path.join(tmpdir(), 'wr-bench-cycles-'));
  const page = await writeSimulatorPage(path.join(folder, 'cache'), { openDelayMs: 10 });
  const host = await startServeHost({ folder, page, connections: ['1'], measureHeap: true });
  const sessionDir = path.join(host.credentialsDir, 'session-1');
  let stopped = false;
  try {
    const before = await countProcesses(host);
    const heap = [{ afterCycles: 0, heapUsedBytes: await host.heapUsed() }];
    const durations: number[] = [];
    const started = performance.now();
    for (let cycle = 1; cycle <= cycles; cycle += 1) {
      durations.push(await resetOnce(host));
      if (heapCheckpoints.includes(cycle) || cycle === cycles) {
        heap.push({ afterCycles: cycle, heapUsedBytes: await host.heapUsed() });
      }
    }
    const totalMs = performance.now() - started;
    const after = await countProcesses(host);

    const hostExitCode = await host.stop();
    stopped = true;
    return {
      cycles,
      heap,
      heapGrowthBytes: (heap.at(-1)?.heapUsedBytes ?? 0) - (heap[0]?.heapUsedBytes ?? 0),
      before,
      after,
      leftAfterStop: chromiumPidsFor(sessionDir).length,
      hostExitCode,
      cycleMs: median(durations),
      totalMs,
    };
  } finally {
    if (!stopped) await host.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

/** Resets connection 1 and returns how long the request took, in ms. */
async function resetOnce(host: ServeHost): Promise<number> {
  const started = performance.now();
  const { connection } = await host.client.reset('1', {});
  if (connection.state !== 'QR') {
    throw new Error(`connection 1 is ${connection.state} after a reset (${connection.reason})`);
  }
  return performance.now() - started;
}

/** Counts the processes under the host and those outside the current browser's tree. */
async function countProcesses(host: ServeHost): Promise<ProcessCount> {
  const { browserPid } = await host.client.get('1');
  if (browserPid === null) throw new Error('connection 1 reports no browser pid');
  const processes = await readProcesses('/proc');
  const descendants = descendantsOf(processes, host.pid);
  const browserTree = new Set(await processTree('/proc', browserPid));

  // The host runs under tsx, whose esbuild service is also a child; only Chromium counts.
  const live = descendants.filter((entry) => entry.state !== 'Z' && isChromium(entry));
  return {
    live: live.length,
    mains: live.filter((entry) => isBrowserMain(normalizeArgv(entry.argv))).length,
    zombies: descendants.filter((entry) => entry.state === 'Z').length,
    leftover: live.filter((entry) => !browserTree.has(entry.pid)).length,
  };
}

/** Checks whether a process runs a file of Debian's chromium package, wrapper included. */
function isChromium(entry: ProcessEntry): boolean {
  const argv0 = normalizeArgv(entry.argv)[0] ?? '';
  return argv0.startsWith('/usr/lib/chromium/') || argv0 === '/usr/bin/chromium';
}

function descendantsOf(processes: ProcessEntry[], rootPid: number): ProcessEntry[] {
  const found: ProcessEntry[] = [];
  const parents = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const entry of processes) {
      if (parents.has(entry.ppid) && !parents.has(entry.pid)) {
        parents.add(entry.pid);
        found.push(entry);
        grew = true;
      }
    }
  }
  return found;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const cycles = Number(process.argv[2] ?? 100);
  console.log(JSON.stringify(await benchResetCycles(cycles), null, 2));
}
