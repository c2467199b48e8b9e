import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { ControlClient } from '../src/control/client.js';
import { loadProfile } from '../src/core/index.js';
import { scanBrowsers } from '../src/host/browsers.js';
import {
  chromiumPidsFor,
  createSimulatedClient,
  nextEvent,
  profileDirOf,
  writeSimulatorPage,
  type SimulatorClientOptions,
} from '../test/simulator/index.js';
import { startServeHost, waitUntil } from './serve-process.js';
import { median } from './timing.js';

/** Pause before each measurement, in ms. */
const pauseMs = 1_000;

export interface ResetQrBench {
  rounds: number;
  /** Median of a bare wwebjs Client's initialize() to its first `qr`, in ms. */
  bareMs: number;
  /** Median of `POST /reset` to the first `qr` Server-Sent Event of `wr serve`, in ms. */
  wrMs: number;
  /** wrMs / bareMs; the target is at most 1.15. */
  ratio: number;
  /** Median of the reset's part before the STARTING event: closing the old browser, in ms. */
  wrCloseMs: number;
  /** Median of STARTING to the first `qr` event: the new browser's launch, in ms. */
  wrLaunchMs: number;
  /** Median of one scan of /proc for browser main processes, as the start preflight runs it, in ms. */
  procScanMs: number;
  bareSamples: number[];
  wrSamples: number[];
}

/**
 * Times the reset of a `wr serve` connection that shows a QR, from the
 * `POST /v1/connections/1/reset` request to the `qr` event on the
 * connection's event stream. The baseline is a bare wwebjs Client from
 * initialize() to its `qr` event, on the same simulator page and with the
 * same Chromium flags (the sandbox flags and the default profile's). The two
 * alternate, the order flips every round, and each starts after a pause.
 */
export async function benchResetQr(rounds = 20): Promise<ResetQrBench> {
  const folder = await mkdtemp(path.join(tmpdir(), 'wr-bench-reset-qr-'));
  const page = await writeSimulatorPage(path.join(folder, 'cache'));
  const profile = await loadProfile({}, 'default');
  const bare = () => timeBareClient(page, path.join(folder, 'bare-auth'), profile.args);
  const host = await startServeHost({ folder, page, connections: ['1'] });
  try {
    await bare(); // warm-up: the first launch reads Chromium from disk
    const bareSamples: number[] = [];
    const wrSamples: Array<{ totalMs: number; closeMs: number }> = [];
    const wr = () => timeReset(host.client, '1');
    for (let round = 0; round < rounds; round += 1) {
      if (round % 2 === 1) wrSamples.push(await afterPause(wr));
      bareSamples.push(await afterPause(bare));
      if (round % 2 === 0) wrSamples.push(await afterPause(wr));
    }
    const bareMs = median(bareSamples);
    const wrMs = median(wrSamples.map((sample) => sample.totalMs));
    return {
      rounds,
      bareMs,
      wrMs,
      ratio: wrMs / bareMs,
      wrCloseMs: median(wrSamples.map((sample) => sample.closeMs)),
      wrLaunchMs: median(wrSamples.map((sample) => sample.totalMs - sample.closeMs)),
      procScanMs: await timeProcScan(),
      bareSamples,
      wrSamples: wrSamples.map((sample) => sample.totalMs),
    };
  } finally {
    await host.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

async function timeProcScan(): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < 10; index += 1) {
    const started = performance.now();
    await scanBrowsers({ procRoot: '/proc', defunct: false });
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/**
 * Runs `measure` after a pause, so that the browser the previous measurement
 * launched has finished starting and does not slow this one down.
 */
async function afterPause<T>(measure: () => Promise<T>): Promise<T> {
  await sleep(pauseMs);
  return measure();
}

/**
 * Resets connection `id` through the control API and times it until the
 * event stream carries the new QR. The stream is open before the request,
 * and the QR it replays on connecting comes before STARTING, so it is skipped.
 */
async function timeReset(
  client: ControlClient,
  id: string,
): Promise<{ totalMs: number; closeMs: number }> {
  const abort = new AbortController();
  const events = client.events(id, { signal: abort.signal });
  await events.next();

  const started = performance.now();
  const reset = client.reset(id, {});
  let startingAt: number | null = null;
  try {
    for await (const event of events) {
      if (event.type === 'state' && event.state === 'STARTING') startingAt = performance.now();
      if (event.type === 'state' && event.state === 'FAILED') {
        throw new Error(`connection ${id} reset failed: ${event.reason}`);
      }
      if (event.type === 'qr' && startingAt !== null) {
        const totalMs = performance.now() - started;
        await reset;
        return { totalMs, closeMs: startingAt - started };
      }
    }
  } finally {
    abort.abort();
  }
  throw new Error(`the event stream of connection ${id} ended before a new QR`);
}

/** Times a fresh wwebjs Client from initialize() to its first `qr`, then destroys it. */
async function timeBareClient(
  page: SimulatorClientOptions,
  dataPath: string,
  profileArgs: string[],
): Promise<number> {
  const client = createSimulatedClient({
    dataPath,
    clientId: 'bare',
    page,
    extraArgs: profileArgs,
  });
  const started = performance.now();
  const qr = nextEvent(client, 'qr', 60_000);
  // initialize() rejects once destroy() closes the page it still works on.
  const initialized = client.initialize().catch(() => undefined);
  await qr;
  const elapsed = performance.now() - started;

  await client.destroy();
  await initialized;
  const profileDir = profileDirOf(dataPath, 'bare');
  await waitUntil(
    () => chromiumPidsFor(profileDir).length === 0,
    "the bare client's Chromium to exit",
    10_000,
  );
  return elapsed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchResetQr(Number(process.argv[2] ?? 20)), null, 2));
}
