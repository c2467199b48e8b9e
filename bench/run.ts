import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchBrowserMemory } from './browser-memory.js';
import { connectionNotes, connectionRows, type ConnectionBenches } from './connection-report.js';
import { benchFolderSize } from './folder-size.js';
import { benchHelp } from './help.js';
import { benchProfiles } from './profiles.js';
import { formatBytes } from '../src/output/format.js';
import { benchResetCycles } from './reset-cycles.js';
import { benchResetQr } from './reset-qr.js';
import { benchRestart } from './restart.js';

// Runs every benchmark once and writes bench/results.md. Each target is a
// ratio against a baseline measured in the same run, because absolute times
// on shared machines are noisy.
const here = path.dirname(fileURLToPath(import.meta.url));

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const memory = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${cpu}, ${os.cpus().length} cores, ${memory} GiB, Node.js ${process.version}, ${os.type()} ${os.release()}`;
}

/** Formats the 1, 5 and 15 minute load averages, since other work on the machine slows Chromium. */
function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' / ');
}

/** Runs the benchmarks of the connection core and `wr serve`, which launch real Chromium. */
async function benchConnections(): Promise<ConnectionBenches> {
  console.error('bench: wr serve reset to QR against a bare whatsapp-web.js client (Chromium)');
  const resetQrLoad = loadAverage();
  const resetQr = await benchResetQr(20);
  console.error('bench: browser memory of CONNECTED connections (Chromium)');
  const memoryLoad = loadAverage();
  const memory = await benchBrowserMemory();
  console.error('bench: 100 reset cycles of wr serve (Chromium, about 2 minutes)');
  const cyclesLoad = loadAverage();
  const cycles = await benchResetCycles(100);
  const load = { resetQr: resetQrLoad, memory: memoryLoad, cycles: cyclesLoad };
  return { resetQr, memory, cycles, load };
}

function verdict(ratio: number, target: number): string {
  return ratio <= target ? 'meets target' : 'MISSES target';
}

console.error('bench: wr --help against node -e 0');
const help = benchHelp();
console.error('bench: folder sizing against du -sb (generates ~200,000 files)');
const size = await benchFolderSize();
const connections = await benchConnections();
console.error(
  'bench: wr restart --all --no-wait against the same dockerode calls (private dockerd)',
);
const restart = await benchRestart();
console.error(
  'bench: launch time and PSS per shipped profile (Chromium, as wr debug-args runs it)',
);
const profiles = await benchProfiles();

const lines = [
  '# Benchmark results',
  '',
  `Measured ${new Date().toISOString()} with \`npm run bench\` on ${machine()}.`,
  '',
  '| benchmark | baseline | wr | ratio | target |',
  '| --- | --- | --- | --- | --- |',
  `| \`wr --help\` vs \`node -e 0\` (median of ${help.rounds} alternating runs) | ${help.nodeMs.toFixed(1)} ms | ${help.helpMs.toFixed(1)} ms | ${help.ratio.toFixed(2)} | ≤ 2 (${verdict(help.ratio, 2)}) |`,
  `| folder sizing of ${size.files.toLocaleString('en')} files vs \`du -sb\` (median of 5, warm cache; method: ${size.method}) | ${(size.duSeconds * 1000).toFixed(0)} ms | ${(size.wrSeconds * 1000).toFixed(0)} ms | ${size.ratio.toFixed(2)} | ≤ 1.5 (${verdict(size.ratio, 1.5)}) |`,
  `| fallback where coreutils \`du\` is missing: parallel Node walk vs \`du -sb\` (same tree and run) | ${(size.duSeconds * 1000).toFixed(0)} ms | ${(size.walkSeconds * 1000).toFixed(0)} ms | ${size.walkRatio.toFixed(2)} | none (the reason \`du\` is used first) |`,
  `| \`wr restart --all --no-wait\` on five containers vs a script doing the same stops, starts and waits for running with dockerode (whole processes, median of ${restart.rounds} alternating runs, private dockerd on ${restart.storageDriver}) | ${restart.baselineMs.toFixed(0)} ms | ${restart.wrMs.toFixed(0)} ms | ${restart.ratio.toFixed(2)} | ≤ 1.1 (${verdict(restart.ratio, 1.1)}) |`,
  ...connectionRows(connections),
  ...profiles.map(
    (report) =>
      `| profile \`${report.profile}\`: browser launch, time to ready and PSS as \`wr debug-args\` reports them (paired session on the simulator, watched 5 s, verdict ${report.verdict}) | — | launch ${report.launchMs ?? '-'} ms, ready ${report.readyMs ?? '-'} ms, PSS ${report.pssBytes === null ? 'not read' : formatBytes(report.pssBytes)} | — | none (a figure) |`,
  ),
  '',
  'Sizing runs coreutils `du -s -x -B1` once over all folders; a pure Node walk could not reach',
  'the 1.5 target on this tree, so it serves only as the fallback. The `du` npm package reports',
  'apparent size rather than allocated bytes, so it was not a candidate.',
  '',
  ...connectionNotes(connections),
];
writeFileSync(path.join(here, 'results.md'), lines.join('\n'));
console.log(lines.join('\n'));
