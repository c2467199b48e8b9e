import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Client } from 'whatsapp-web.js';
import { removeSocketDir } from '../../src/disk/singleton.js';
import { chromiumPidsFor, requireChromiumExecutable } from '../simulator/chromium.js';
import { createSimulatedClient, nextEvent, profileDirOf } from '../simulator/client.js';
import { connectSimulator, type SimulatorController } from '../simulator/controller.js';
import { writeSimulatorPage, type SimulatorPageOptions } from '../simulator/page.js';

interface RecordedEvent {
  name: string;
  args: unknown[];
  at: number;
}

interface Started {
  client: Client;
  profileDir: string;
  events: RecordedEvent[];
}

const recordedEvents = ['qr', 'authenticated', 'ready', 'change_state', 'disconnected'];
const headlessUserAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36';

let root: string;
const started: Started[] = [];

beforeAll(() => {
  requireChromiumExecutable();
  root = mkdtempSync('/tmp/wr-sim-test-');
});

afterEach(async () => {
  await Promise.all(started.splice(0).map(stop));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Creates a client named `name` on its own LocalAuth folder and simulator page. */
async function start(
  name: string,
  pageOptions: SimulatorPageOptions = {},
  userAgent?: string,
): Promise<Started> {
  const page = await writeSimulatorPage(path.join(root, name, 'cache'), pageOptions);
  const dataPath = path.join(root, name, 'auth');
  const client = createSimulatedClient({ dataPath, clientId: name, page, userAgent });
  const entry = { client, profileDir: profileDirOf(dataPath, name), events: record(client) };
  started.push(entry);
  return entry;
}

function record(client: Client): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  for (const name of recordedEvents) {
    client.on(name, (...args: unknown[]) => events.push({ name, args, at: Date.now() }));
  }
  return events;
}

/** Destroys the client; Chromium that outlives 5 s (a frozen page) is killed by pid. */
async function stop({ client, profileDir }: Started): Promise<void> {
  await Promise.race([client.destroy().catch(() => undefined), sleep(5_000)]);
  for (const pid of chromiumPidsFor(profileDir)) process.kill(pid, 'SIGKILL');
  await waitForNoChromium(profileDir, 2_000);
  // A killed browser leaves its socket folder in /tmp.
  await removeSocketDir(profileDir);
}

async function waitForNoChromium(profileDir: string, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let pids = chromiumPidsFor(profileDir);
  while (pids.length > 0 && Date.now() < deadline) {
    await sleep(50);
    pids = chromiumPidsFor(profileDir);
  }
  return pids;
}

/** Initializes the client and returns the first QR string and the page's controller. */
async function untilQr(entry: Started): Promise<{ qr: string; simulator: SimulatorController }> {
  const qr = nextEvent(entry.client, 'qr');
  void entry.client.initialize().catch(() => undefined);
  const [qrString] = await qr;
  return { qr: qrString as string, simulator: await connectSimulator(entry.profileDir) };
}

/** Initializes, scans and waits for `ready`. */
async function untilReady(entry: Started): Promise<SimulatorController> {
  const { simulator } = await untilQr(entry);
  const ready = nextEvent(entry.client, 'ready');
  await simulator.scan();
  await ready;
  return simulator;
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

function namesOf(events: RecordedEvent[]): string[] {
  return events.map((event) => event.name);
}

describe('simulator with whatsapp-web.js', () => {
  test('scan leads to ready', async () => {
    const entry = await start('pair');
    const { qr, simulator } = await untilQr(entry);
    const pageState = await simulator.state();

    expect(qr).toBe(await simulator.qr());
    expect(qr.split(',')).toHaveLength(5);
    expect(qr.split(',')[0]).toBe(pageState.ref);

    const ready = nextEvent(entry.client, 'ready');
    await simulator.scan();
    await ready;
    expect(namesOf(entry.events)).toEqual(['qr', 'authenticated', 'ready']);
    expect(entry.client.info.wid._serialized).toBe('15550000001@c.us');
    expect((await simulator.state()).missingModules).toEqual([]);

    await simulator.close();
    await entry.client.destroy();
    expect(await waitForNoChromium(entry.profileDir, 2_000)).toEqual([]);
  });

  test('restart on paired profile skips QR', async () => {
    const first = await start('restart');
    const firstSimulator = await untilReady(first);
    await firstSimulator.close();
    await first.client.destroy();

    const second = await start('restart');
    const ready = nextEvent(second.client, 'ready');
    void second.client.initialize().catch(() => undefined);
    await ready;
    expect(namesOf(second.events)).toEqual(['authenticated', 'ready']);
  });

  test('pairing survives killed browser', async () => {
    const first = await start('killed');
    await untilReady(first);
    const browserPid = first.client.pupBrowser!.process()!.pid!;
    process.kill(browserPid, 'SIGKILL');
    for (const pid of await waitForNoChromium(first.profileDir, 2_000)) {
      process.kill(pid, 'SIGKILL');
    }
    await first.client.destroy().catch(() => undefined);
    await removeSocketDir(first.profileDir);

    const second = await start('killed');
    const ready = nextEvent(second.client, 'ready');
    void second.client.initialize().catch(() => undefined);
    await ready;
    expect(namesOf(second.events)).toEqual(['authenticated', 'ready']);
  });

  test('controller works from another process', async () => {
    const entry = await start('other-process');
    const qr = nextEvent(entry.client, 'qr');
    void entry.client.initialize().catch(() => undefined);
    const [qrString] = await qr;
    const cli = fileURLToPath(new URL('../simulator/control-cli.ts', import.meta.url));
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', cli, entry.profileDir, ...args]);

    const { stdout } = await run('qr');
    expect(JSON.parse(stdout)).toBe(qrString);

    const ready = nextEvent(entry.client, 'ready');
    await run('scan');
    await ready;
  });

  test('rotate QR emits new ref', async () => {
    const entry = await start('rotate');
    const { qr, simulator } = await untilQr(entry);
    const next = nextEvent(entry.client, 'qr');
    const ref = await simulator.rotateQr();
    const [rotated] = await next;

    expect(ref).not.toBe(qr.split(',')[0]);
    expect((rotated as string).split(',')[0]).toBe(ref);
    expect((rotated as string).split(',').slice(1)).toEqual(qr.split(',').slice(1));
    await simulator.close();
  });

  test('automatic rotation stops at UNPAIRED_IDLE', async () => {
    const entry = await start('idle', { qrRotateMs: 150, qrMaxRotations: 2 });
    const { simulator } = await untilQr(entry);
    await sleep(150 * 3 + 600);

    expect((await simulator.state()).state).toBe('UNPAIRED_IDLE');
    expect(namesOf(entry.events).filter((name) => name === 'qr')).toHaveLength(3);
    await simulator.close();
  });

  test('drop TIMEOUT then CONFLICT disconnects', async () => {
    const entry = await start('drop');
    const simulator = await untilReady(entry);
    const timeoutChange = nextEvent(entry.client, 'change_state');
    await simulator.drop('TIMEOUT');
    expect(await timeoutChange).toEqual(['TIMEOUT']);

    const disconnected = nextEvent(entry.client, 'disconnected');
    await simulator.drop('CONFLICT');
    expect(await disconnected).toEqual(['CONFLICT']);
    expect(
      entry.events.filter((event) => event.name === 'change_state').map((e) => e.args),
    ).toEqual([['TIMEOUT'], ['CONFLICT']]);
    expect(namesOf(entry.events).filter((name) => name === 'disconnected')).toHaveLength(1);
  });

  test('logout from phone gives LOGOUT', async () => {
    const entry = await start('logout');
    const simulator = await untilReady(entry);
    const disconnected = nextEvent(entry.client, 'disconnected');
    const nextQr = nextEvent(entry.client, 'qr');
    await simulator.logoutFromPhone();

    expect(await disconnected).toEqual(['LOGOUT']);
    // wwebjs injects again into the reloaded, unpaired page: a new QR follows.
    await nextQr;
    // Its navigation handler has no catch, so closing the browser before that
    // inject() ends would reject unhandled.
    await until(async () => (await simulator.state()).syncListeners > 0, 5_000);
  });

  test('freeze blocks page evaluate', async () => {
    const entry = await start('freeze');
    const { simulator } = await untilQr(entry);
    await simulator.freeze();

    const evaluated = entry.client.pupPage!.evaluate(() => 1).then(() => 'returned');
    const outcome = await Promise.race([evaluated, sleep(2_000).then(() => 'blocked')]);
    expect(outcome).toBe('blocked');
    evaluated.catch(() => undefined);

    // Browser.close is handled by the browser process, not the frozen renderer.
    await simulator.close();
    await entry.client.destroy();
    expect(await waitForNoChromium(entry.profileDir, 2_000)).toEqual([]);
  });

  test('user agent rule disconnects after ready', async () => {
    const afterReadyMs = 1_500;
    const pageOptions: SimulatorPageOptions = {
      disconnectRules: [{ when: { userAgentIncludes: 'HeadlessChrome' }, afterReadyMs }],
    };
    const [headless, desktop] = await Promise.all([
      start('rule-headless', pageOptions, headlessUserAgent),
      start('rule-desktop', pageOptions),
    ]);
    const disconnected = nextEvent(headless.client, 'disconnected', 10_000);
    await Promise.all([untilReady(headless), untilReady(desktop)]);
    expect(await disconnected).toEqual(['UNPAIRED']);

    const readyAt = headless.events.find((event) => event.name === 'ready')!.at;
    const disconnectedAt = headless.events.find((event) => event.name === 'disconnected')!.at;
    expect(disconnectedAt - readyAt).toBeGreaterThan(afterReadyMs - 300);
    expect(disconnectedAt - readyAt).toBeLessThan(afterReadyMs + 1_500);

    const desktopReadyAt = desktop.events.find((event) => event.name === 'ready')!.at;
    await sleep(Math.max(0, desktopReadyAt + afterReadyMs + 1_000 - Date.now()));
    expect(namesOf(desktop.events)).not.toContain('disconnected');
    expect(await desktop.client.getState()).toBe('CONNECTED');
  });
});
