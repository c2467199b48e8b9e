import { formatBytes } from '../src/output/format.js';
import type { BrowserMemoryBench, ConnectionMemory } from './browser-memory.js';
import type { ProcessCount, ResetCyclesBench } from './reset-cycles.js';
import type { ResetQrBench } from './reset-qr.js';
import { median } from './timing.js';

/** Target of the reset-to-QR ratio against a bare wwebjs client. */
export const resetQrTarget = 1.15;
/** Target of the heap growth of `wr serve` over the reset cycles, in bytes (5 MB). */
export const heapGrowthTarget = 5_000_000;

export interface ConnectionBenches {
  resetQr: ResetQrBench;
  memory: BrowserMemoryBench;
  cycles: ResetCyclesBench;
  /** Load average (1, 5, 15 min) when each benchmark started. */
  load: { resetQr: string; memory: string; cycles: string };
}

function verdict(met: boolean): string {
  return met ? 'meets target' : 'MISSES target';
}

function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

/** Formats bytes in decimal megabytes, the unit of the heap target. */
function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

function processes(count: ProcessCount): string {
  return `${count.live} Chromium processes (${count.mains} browser), ${count.leftover} outside the current browser, ${count.zombies} zombies`;
}

/** Returns the met flag of each connection target, for the verdicts and the summary. */
function connectionTargets(benches: ConnectionBenches): {
  resetQr: boolean;
  heap: boolean;
  processes: boolean;
} {
  const { cycles } = benches;
  const clean = (count: ProcessCount) => count.mains === 1 && count.leftover === 0;
  return {
    resetQr: benches.resetQr.ratio <= resetQrTarget,
    heap: cycles.heapGrowthBytes < heapGrowthTarget,
    processes:
      clean(cycles.after) &&
      cycles.after.zombies === 0 &&
      cycles.after.live === cycles.before.live &&
      cycles.leftAfterStop === 0,
  };
}

/** Builds the table rows of the connection benchmarks. */
export function connectionRows(benches: ConnectionBenches): string[] {
  const { resetQr, memory, cycles } = benches;
  const met = connectionTargets(benches);
  const heapBefore = cycles.heap[0]?.heapUsedBytes ?? 0;
  const heapAfter = cycles.heap.at(-1)?.heapUsedBytes ?? 0;
  const together = medianMemory(memory.together);
  return [
    `| reset to first QR: \`wr serve\` \`POST /reset\` to the \`qr\` event vs a bare whatsapp-web.js Client's initialize() to \`qr\` (median of ${resetQr.rounds} alternating rounds, same simulator page and Chromium flags) | ${ms(resetQr.bareMs)} | ${ms(resetQr.wrMs)} | ${resetQr.ratio.toFixed(2)} | ≤ ${resetQrTarget} (${verdict(met.resetQr)}) |`,
    `| browser memory per connection, default profile, CONNECTED on the simulator (PSS / RSS of the browser process tree, from the core's snapshot) | — | alone: ${formatBytes(memory.alone.pssBytes)} / ${formatBytes(memory.alone.rssBytes)}; each of 3: ${formatBytes(together.pssBytes)} / ${formatBytes(together.rssBytes)} | — | none (a figure) |`,
    `| \`wr serve\` heap after a forced GC, before vs after ${cycles.cycles} reset cycles of one connection | ${megabytes(heapBefore)} | ${megabytes(heapAfter)} | ${signed(cycles.heapGrowthBytes)} | growth < ${megabytes(heapGrowthTarget)} (${verdict(met.heap)}) |`,
    `| \`wr serve\` Chromium processes, before vs after ${cycles.cycles} reset cycles | ${cycles.before.live} (${cycles.before.mains} browser) | ${cycles.after.live} (${cycles.after.mains} browser), ${cycles.after.leftover} leftover; ${cycles.leftAfterStop} after SIGTERM | — | no leftover Chromium (${verdict(met.processes)}) |`,
  ];
}

function signed(bytes: number): string {
  return `${bytes >= 0 ? '+' : '−'}${megabytes(Math.abs(bytes))}`;
}

function medianMemory(entries: ConnectionMemory[]): { pssBytes: number; rssBytes: number } {
  return {
    pssBytes: median(entries.map((entry) => entry.pssBytes)),
    rssBytes: median(entries.map((entry) => entry.rssBytes)),
  };
}

/** Builds the notes on how the connection benchmarks were measured, with their samples. */
export function connectionNotes(benches: ConnectionBenches): string[] {
  return [
    ...resetQrNotes(benches.resetQr, benches.load.resetQr),
    ...memoryNotes(benches.memory, benches.load.memory),
    ...cycleNotes(benches.cycles, benches.load.cycles),
  ];
}

function resetQrNotes(bench: ResetQrBench, load: string): string[] {
  const list = (samples: number[]) => samples.map((sample) => sample.toFixed(0)).join(', ');
  return [
    '## Reset to first QR',
    '',
    `\`bench/reset-qr.ts\` (alone: \`node --import tsx bench/reset-qr.ts [rounds]\`; load average ${load} at its start).`,
    '`bin/wr serve` runs one connection with the default profile and the sandbox flags on the',
    'simulator page (QR 50 ms after the page loads). A round times `POST /v1/connections/1/reset`',
    'until the `qr` event on `GET /v1/connections/1/events`, and a bare whatsapp-web.js Client',
    "(`createSimulatedClient`: the library's defaults, the sandbox flags plus the default",
    "profile's arguments, LocalAuth in its own folder) from initialize() to `qr`; the order",
    'flips every round, each measurement starts after a 1 s pause, and one bare start before',
    'the rounds warms the disk cache.',
    '',
    `- wr reset: close of the old browser until STARTING ${ms(bench.wrCloseMs)}, STARTING to the QR ${ms(bench.wrLaunchMs)} (medians).`,
    `- The launch part alone against the bare client: ${(bench.wrLaunchMs / bench.bareMs).toFixed(2)}.`,
    `- wr samples (ms): ${list(bench.wrSamples)}`,
    `- bare samples (ms): ${list(bench.bareSamples)}`,
    '',
    'Where the extra time goes: a reset first closes the running browser, which a bare client',
    'starting from nothing never does. A browser that shows a QR has no login to write, so the',
    'core kills its process tree with SIGKILL, waits until the processes are gone (a second',
    'browser may not start on the folder before the first is gone) and removes the singleton',
    'files Chromium leaves behind; a connected browser is closed gracefully instead, so that',
    'Chromium writes the session to disk. The launch then runs the start preflight (free space,',
    `a /proc scan for browsers on the folder, the SingletonLock); one such scan took ${ms(bench.procScanMs)}`,
    '(median of 10) here.',
    'Samples spread widely while other jobs load the two cores (see the load average).',
    '',
  ];
}

function memoryNotes(bench: BrowserMemoryBench, load: string): string[] {
  const each = bench.together
    .map(
      (entry) =>
        `${entry.id}: ${formatBytes(entry.pssBytes)} / ${formatBytes(entry.rssBytes)} (${entry.processes} processes)`,
    )
    .join('; ');
  return [
    '## Browser memory',
    '',
    `\`bench/browser-memory.ts\` (alone: \`node --import tsx bench/browser-memory.ts\`; load average ${load}).`,
    'A ConnectionPool in the benchmark process starts connection 1, the simulator accepts the',
    'scan, and 5 s after CONNECTED the figure is the next reading the core takes after a',
    'liveness probe (PSS from `/proc/<pid>/smaps_rollup`, RSS from `VmRSS`, summed over the',
    'browser main process and its descendants). Then connections 2 and 3 connect and all three',
    'are read again: PSS divides shared pages among the browsers that map them, so it drops per',
    'connection as more run, while RSS counts them in full for each.',
    '',
    `- alone: ${formatBytes(bench.alone.pssBytes)} PSS / ${formatBytes(bench.alone.rssBytes)} RSS (${bench.alone.processes} processes)`,
    `- three at once, PSS / RSS: ${each}`,
    '- The simulator page is a few kilobytes of script; WhatsApp Web loads far more, so these',
    '  figures are the floor of a connection with the default profile, not its size in production.',
    '',
  ];
}

function cycleNotes(bench: ResetCyclesBench, load: string): string[] {
  const heap = bench.heap
    .map((entry) => `${entry.afterCycles}: ${megabytes(entry.heapUsedBytes)}`)
    .join(', ');
  return [
    '## Reset cycles',
    '',
    `\`bench/reset-cycles.ts\` (alone: \`node --import tsx bench/reset-cycles.ts [cycles]\`; load average ${load}).`,
    '`bench/serve-host.ts` runs the compiled `wr serve` (`runCli` from dist, as `bin/wr` does)',
    'under `node --expose-gc`; on request over its IPC channel it calls `gc()` twice and',
    'reports `process.memoryUsage().heapUsed`. One connection shows a QR (the simulator opens it',
    `after 10 ms); ${bench.cycles} times, \`POST /v1/connections/1/reset\` is sent and its response`,
    `(which comes at the new QR) awaited: median ${ms(bench.cycleMs)} a cycle, ${(bench.totalMs / 1000).toFixed(0)} s in all.`,
    'Processes are counted in /proc among the descendants of the host process; Chromium hands',
    'its `chrome_crashpad_handler` processes to pid 1, so they are not among them.',
    '',
    `- heap after a forced GC, by cycles done: ${heap}`,
    `- before: ${processes(bench.before)}`,
    `- after: ${processes(bench.after)}`,
    `- after SIGTERM: \`wr serve\` exited ${bench.hostExitCode}, ${bench.leftAfterStop} Chromium processes left on the session folder`,
    '',
  ];
}
