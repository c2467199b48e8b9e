import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readlink, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { ConnectionPool, type Connection } from '../../src/core/index.js';
import { isAlive } from '../../src/core/teardown.js';
import { processTree } from '../../src/host/memory.js';
import type { Logger } from '../../src/core/logger.js';
import type { ConnectionEvent, ConnectionState } from '../../src/core/types.js';
import type { ConnectionTiming } from '../../src/core/timing.js';
import {
  browserMainPidsFor,
  chromiumExecutable,
  chromiumPidsFor,
  connectSimulator,
  requireChromiumExecutable,
  sandboxChromiumArgs,
  writeSimulatorPage,
  type SimulatorPageOptions,
} from '../simulator/index.js';

const browserMains = browserMainPidsFor;

interface LogEntry {
  level: string;
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** Creates a pino-compatible logger that keeps every entry, with its bindings merged in. */
function recordingLogger(entries: LogEntry[], bindings: Record<string, unknown> = {}): Logger {
  const write =
    (level: string) =>
    (fields: object, message?: string): void => {
      entries.push({ level, fields: { ...bindings, ...fields }, message });
    };
  return {
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    debug: write('debug'),
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
  };
}

/** Resolves once `connection` is in `state`, or rejects after `timeoutMs`. */
function waitForState(
  connection: Connection,
  state: ConnectionState,
  timeoutMs = 15_000,
): Promise<void> {
  if (connection.snapshot().state === state) return Promise.resolve();
  return waitForEvent(
    connection,
    (event) => event.type === 'state' && event.state === state,
    timeoutMs,
  ).then(() => undefined);
}

function waitForEvent(
  connection: Connection,
  match: (event: ConnectionEvent) => boolean,
  timeoutMs = 15_000,
): Promise<ConnectionEvent> {
  return new Promise((resolve, reject) => {
    const onEvent = (event: ConnectionEvent) => {
      if (!match(event)) return;
      clearTimeout(timer);
      connection.off('event', onEvent);
      resolve(event);
    };
    const timer = setTimeout(() => {
      connection.off('event', onEvent);
      const now = connection.snapshot();
      reject(
        new Error(`no matching event within ${timeoutMs} ms; state ${now.state} (${now.reason})`),
      );
    }, timeoutMs);
    connection.on('event', onEvent);
  });
}

function isUp(state: ConnectionState): boolean {
  return state === 'QR' || state === 'SYNCING' || state === 'CONNECTED';
}

interface Rig {
  root: string;
  pool: ConnectionPool;
  connection: Connection;
  sessionDir: string;
  logs: LogEntry[];
  config: Config;
}

const testTiming: Partial<ConnectionTiming> = {
  startTimeoutMs: 20_000,
  closeTimeoutMs: 3_000,
  probeIntervalMs: 300,
  probeTimeoutMs: 300,
  probeMissLimit: 2,
  backoff: { initialMs: 200, maxMs: 1_000, maxAttempts: 3 },
};

const rigs: Rig[] = [];

const desktopProfile = {
  name: 'desktop',
  description: 'A desktop window size and language',
  headless: true,
  args: ['--no-sandbox'],
  windowSize: [1366, 768],
  lang: 'es-AR',
};

/** Arguments of a running process, from /proc. */
function argvOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
}

async function createRig(
  page: SimulatorPageOptions = {},
  timing: Partial<ConnectionTiming> = {},
): Promise<Rig> {
  const root = await mkdtemp('/tmp/wr-core-conn-');
  const simulator = await writeSimulatorPage(path.join(root, 'cache'), page);
  const profilesDir = path.join(root, 'profiles');
  await mkdir(profilesDir);
  await writeFile(path.join(profilesDir, 'desktop.json'), JSON.stringify(desktopProfile));
  const config = testConfig(root, simulator);
  const logs: LogEntry[] = [];
  const pool = new ConnectionPool({
    config,
    credentialsDir: path.join(root, 'auth'),
    logger: recordingLogger(logs),
    timing: { ...testTiming, ...timing },
  });
  const connection = pool.connection('1');
  const rig = { root, pool, connection, sessionDir: connection.sessionDir, logs, config };
  rigs.push(rig);
  return rig;
}

function testConfig(
  root: string,
  simulator: Awaited<ReturnType<typeof writeSimulatorPage>>,
): Config {
  return configSchema.parse({
    paths: { credentials: path.join(root, 'auth') },
    profilesDir: path.join(root, 'profiles'),
    connections: [{ id: '1', name: 'Sucursal Centro' }],
    chromium: { executablePath: chromiumExecutable, extraArgs: [...sandboxChromiumArgs] },
    whatsapp: { webVersion: simulator.webVersion, webVersionCache: simulator.webVersionCache },
  });
}

/** Resets the rig's connection, scans the QR and waits for CONNECTED. */
async function connect(rig: Rig): Promise<void> {
  await rig.pool.reset('1');
  const simulator = await connectSimulator(rig.sessionDir);
  try {
    await simulator.scan();
  } finally {
    await simulator.close();
  }
  await waitForState(rig.connection, 'CONNECTED');
}

/** Lists the close modes the connection logged, in order. */
function closeModes(rig: Rig): unknown[] {
  return rig.logs.filter((entry) => entry.fields.mode !== undefined).map((e) => e.fields.mode);
}

beforeAll(() => {
  requireChromiumExecutable();
});

afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.pool.stopAll();
    expect(browserMains(rig.sessionDir)).toEqual([]);
    await rm(rig.root, { recursive: true, force: true });
  }
});

afterAll(async () => {
  for (const rig of rigs.splice(0)) await rig.pool.stopAll();
});

describe('connection core', () => {
  it('reset shows QR then scan connects', async () => {
    const rig = await createRig();

    const started = await rig.pool.reset('1');
    expect(started.state).toBe('QR');
    const simulator = await connectSimulator(rig.sessionDir);
    expect(started.qr).toBe(await simulator.qr());
    await simulator.scan();
    await simulator.close();
    await waitForState(rig.connection, 'CONNECTED');

    const snapshot = rig.pool.get('1')!;
    expect(snapshot.reason).toBeNull();
    expect(snapshot.browserPid).toBe(browserMains(rig.sessionDir)[0]);
    expect(snapshot.readyAt).not.toBeNull();
    expect(snapshot.webVersion).toBe('2.3000.1000000000');
  });

  it('embedding host gets the live client', async () => {
    const rig = await createRig();
    const clients: unknown[] = [];
    const readyOnClient: string[] = [];
    rig.connection.on('client', (client: { on(event: string, listener: () => void): void }) => {
      clients.push(client);
      client.on('ready', () => readyOnClient.push('ready'));
    });

    await connect(rig);
    expect(clients).toHaveLength(1);
    expect(rig.connection.client).toBe(clients[0]);
    expect(readyOnClient).toEqual(['ready']);

    await rig.pool.reset('1');
    expect(clients).toHaveLength(2);
    expect(rig.connection.client).toBe(clients[1]);
    await rig.pool.stop('1');
    expect(rig.connection.client).toBeNull();
  });

  it('snapshot reports browser memory', async () => {
    const rig = await createRig();
    await connect(rig);
    await new Promise((resolve) => setTimeout(resolve, 700));

    const memory = rig.pool.get('1')!.memory!;
    expect(memory.processes).toBeGreaterThan(1);
    expect(memory.pssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(memory.rssBytes).toBeGreaterThan(memory.pssBytes!);
    expect(memory.unreadable).toEqual([]);
  });

  it('20 concurrent resets launch one browser', async () => {
    const rig = await createRig();
    await connect(rig);
    const launchesBefore = rig.connection.launches;

    const results = await Promise.all(Array.from({ length: 20 }, () => rig.pool.reset('1')));

    expect(rig.connection.launches - launchesBefore).toBe(1);
    expect(new Set(results.map((result) => result.browserPid)).size).toBe(1);
    expect(browserMains(rig.sessionDir)).toEqual([results[0]!.browserPid]);
  });

  it('concurrent resets share one QR stream', async () => {
    const rig = await createRig();
    const seen: string[][] = [[], []];
    const unsubscribe = seen.map((list) =>
      rig.pool.subscribe('1', (event) => {
        if (event.type === 'qr') list.push(event.qr);
      }),
    );

    const [first, second] = await Promise.all([rig.pool.reset('1'), rig.pool.reset('1')]);
    unsubscribe.forEach((stop) => stop());

    expect(first!.qr).toBe(second!.qr);
    expect(seen[0]).toEqual([first!.qr]);
    expect(seen[1]).toEqual([first!.qr]);
  });

  it('killed browser is restarted', async () => {
    const rig = await createRig();
    await connect(rig);
    const pid = rig.pool.get('1')!.browserPid!;
    const disconnected = waitForEvent(
      rig.connection,
      (event) => event.type === 'disconnected',
      5_000,
    );

    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const event = await disconnected;

    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(event).toMatchObject({ type: 'disconnected', reason: 'BROWSER_EXITED' });
    // A killed Chromium may not have flushed the pairing to disk, so the
    // restarted browser shows either the restored session or a new QR.
    await waitForEvent(rig.connection, (next) => next.type === 'state' && isUp(next.state));
    const after = rig.pool.get('1')!;
    expect(after.browserPid).not.toBe(pid);
    expect(browserMains(rig.sessionDir)).toEqual([after.browserPid]);
  });

  it('frozen page is detected and reset', async () => {
    const rig = await createRig();
    await connect(rig);
    const pid = rig.pool.get('1')!.browserPid!;
    const launchesBefore = rig.connection.launches;

    const simulator = await connectSimulator(rig.sessionDir);
    await simulator.freeze();
    void simulator.close();
    await waitForState(rig.connection, 'STARTING', 10_000);
    await waitForState(rig.connection, 'CONNECTED');

    expect(rig.logs.some((entry) => entry.message === 'page frozen')).toBe(true);
    expect(rig.connection.launches).toBe(launchesBefore + 1);
    const after = rig.pool.get('1')!;
    expect(after.browserPid).not.toBe(pid);
    expect(after.missedProbes).toBe(0);
    expect(browserMains(rig.sessionDir)).toEqual([after.browserPid]);
  });

  it('logout from phone disconnects with LOGOUT', async () => {
    const rig = await createRig();
    await connect(rig);
    const disconnected = waitForEvent(rig.connection, (event) => event.type === 'disconnected');

    const simulator = await connectSimulator(rig.sessionDir);
    await simulator.logoutFromPhone();
    void simulator.close();

    expect(await disconnected).toMatchObject({ reason: 'LOGOUT' });
    await waitForState(rig.connection, 'QR');
  });

  it('stop right after logout leaves no chromium', async () => {
    const rig = await createRig({ logoutReloadDelayMs: 50 });
    await connect(rig);
    const disconnected = waitForEvent(rig.connection, (event) => event.type === 'disconnected');

    const simulator = await connectSimulator(rig.sessionDir);
    await simulator.logoutFromPhone();
    void simulator.close().catch(() => undefined);
    await disconnected;
    // wwebjs now re-injects into the reloaded page while the browser closes.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const stopped = await rig.pool.stop('1');

    expect(stopped.state).toBe('STOPPED');
    expect(chromiumPidsFor(rig.sessionDir)).toEqual([]);
  });

  it('QR reset kills without leftovers', async () => {
    const rig = await createRig();
    const first = await rig.pool.reset('1');
    const socketLink = await readlink(path.join(rig.sessionDir, 'SingletonSocket'));
    expect(existsSync(socketLink)).toBe(true);
    const firstTree = await processTree('/proc', first.browserPid!);
    expect(firstTree.length).toBeGreaterThan(1);

    const second = await rig.pool.reset('1');

    expect(second.state).toBe('QR');
    expect(second.browserPid).not.toBe(first.browserPid);
    expect(browserMains(rig.sessionDir)).toEqual([second.browserPid]);
    const alive = await Promise.all(firstTree.map((pid) => isAlive('/proc', pid)));
    expect(firstTree.filter((_, index) => alive[index])).toEqual([]);
    // The killed browser could not remove its socket folder; the core did.
    expect(existsSync(path.dirname(socketLink))).toBe(false);
    const warnings = rig.logs.filter((entry) => entry.level === 'warn').map((e) => e.message);
    expect(warnings).toEqual([]);
    expect(closeModes(rig)).toEqual(['kill']);
  });

  it('reset with logout shows a new QR', async () => {
    const rig = await createRig();
    await connect(rig);

    const snapshot = await rig.pool.reset('1', { logout: true });

    expect(snapshot.state).toBe('QR');
    expect(snapshot.qr).not.toBeNull();
    // The session folder is deleted next, so there is no login to write.
    expect(closeModes(rig)).toEqual(['kill']);
  });

  it('reset restores a paired session', async () => {
    const rig = await createRig();
    await connect(rig);

    const snapshot = await rig.pool.reset('1');

    expect(['SYNCING', 'CONNECTED']).toContain(snapshot.state);
    await waitForState(rig.connection, 'CONNECTED');
    expect(closeModes(rig)).toEqual(['graceful']);
  });

  it('unscanned QR fails after bounded restarts', async () => {
    const rig = await createRig({ qrRotateMs: 150 }, { qrMaxRetries: 2, qrReinitializeLimit: 1 });

    await rig.pool.reset('1');
    await waitForState(rig.connection, 'FAILED', 20_000);

    expect(rig.pool.get('1')!.reason).toBe('QR not scanned');
    expect(rig.connection.launches).toBe(2);
    expect(browserMains(rig.sessionDir)).toEqual([]);
  });

  it('start timeout leaves no browser', async () => {
    const rig = await createRig({}, { startTimeoutMs: 3_000 });
    // A page without window.Debug: wwebjs waits for it up to its own 30 s auth timeout.
    await writeFile(path.join(rig.root, 'cache', '2.3000.1000000000.html'), '<html></html>');

    await expect(rig.pool.reset('1')).rejects.toMatchObject({ code: 'START_TIMEOUT' });

    expect(rig.pool.get('1')!.state).toBe('FAILED');
    expect(browserMains(rig.sessionDir)).toEqual([]);
    expect(chromiumPidsFor(rig.sessionDir)).toEqual([]);
  });

  it('stop pauses and start resumes', async () => {
    const rig = await createRig();
    await connect(rig);

    const stopped = await rig.pool.stop('1');
    expect(stopped).toMatchObject({ state: 'STOPPED', paused: true, browserPid: null });
    expect(browserMains(rig.sessionDir)).toEqual([]);

    const started = await rig.pool.start('1');
    expect(started.paused).toBe(false);
    await waitForState(rig.connection, 'CONNECTED');
  });

  it('stopAll leaves no chromium', async () => {
    const rig = await createRig();
    await rig.pool.startAll();
    expect(browserMains(rig.sessionDir)).toHaveLength(1);

    const snapshots = await rig.pool.stopAll();

    expect(snapshots.map((snapshot) => snapshot.state)).toEqual(['STOPPED']);
    expect(chromiumPidsFor(rig.sessionDir)).toEqual([]);
  });

  it('browser that does not close is killed', async () => {
    const rig = await createRig({}, { closeTimeoutMs: 1_000, probeIntervalMs: 60_000 });
    // A connected browser has a login to write, so it is closed gracefully first.
    await connect(rig);
    const pid = rig.pool.get('1')!.browserPid!;

    // A stopped browser answers no DevTools command, so destroy() cannot close it.
    process.kill(pid, 'SIGSTOP');
    const stopped = await rig.pool.stop('1');

    expect(stopped.state).toBe('STOPPED');
    expect(rig.logs.some((entry) => entry.message?.startsWith('killed browser processes'))).toBe(
      true,
    );
    expect(chromiumPidsFor(rig.sessionDir)).toEqual([]);
  });

  it('WhatsApp conflict disconnects and closes the browser', async () => {
    const rig = await createRig();
    await connect(rig);
    const disconnected = waitForEvent(rig.connection, (event) => event.type === 'disconnected');

    const simulator = await connectSimulator(rig.sessionDir);
    await simulator.drop('CONFLICT');
    void simulator.close().catch(() => undefined);

    expect(await disconnected).toMatchObject({ reason: 'CONFLICT' });
    await expect.poll(() => browserMains(rig.sessionDir), { timeout: 10_000 }).toEqual([]);
    expect(rig.pool.get('1')).toMatchObject({ state: 'DISCONNECTED', reason: 'CONFLICT' });
  });

  it('paused connection is not restarted', async () => {
    const rig = await createRig();
    await rig.pool.stop('1');

    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(rig.connection.launches).toBe(0);
    expect(rig.pool.get('1')).toMatchObject({ state: 'STOPPED', paused: true });
  });

  it('profile change applies at the next start', async () => {
    const rig = await createRig();
    const before = await rig.pool.reset('1');
    expect(argvOf(before.browserPid!)).not.toContain('--window-size=1366,768');

    const updated = await rig.pool.update('1', { profile: 'desktop' });
    expect(updated.profile).toBe('desktop');
    expect(rig.pool.get('1')!.browserPid).toBe(before.browserPid);

    const after = await rig.pool.reset('1');
    expect(argvOf(after.browserPid!)).toContain('--window-size=1366,768');
    expect(argvOf(after.browserPid!)).toContain('--lang=es-AR');
  });

  it('unknown profile is rejected', async () => {
    const rig = await createRig();

    await expect(rig.pool.update('1', { profile: 'tablet' })).rejects.toMatchObject({
      code: 'PROFILE_NOT_FOUND',
    });
    expect(rig.pool.get('1')!.profile).toBe('default');
  });

  it('second pool on the same folder is rejected', async () => {
    const rig = await createRig();
    const first = await rig.pool.reset('1');
    const second = new ConnectionPool({ config: rig.config, logger: recordingLogger([]) });

    await expect(second.start('1')).rejects.toMatchObject({ code: 'PROFILE_IN_USE' });

    expect(second.get('1')!.state).toBe('FAILED');
    expect(browserMains(rig.sessionDir)).toEqual([first.browserPid]);
    await second.stopAll();
  });

  it('browser exits past the restart limit fail', async () => {
    const rig = await createRig({}, { backoff: { initialMs: 100, maxMs: 200, maxAttempts: 2 } });
    await rig.pool.reset('1');

    for (let restart = 1; restart <= 2; restart += 1) {
      const pid = rig.pool.get('1')!.browserPid!;
      const restarted = waitForEvent(
        rig.connection,
        (event) => event.type === 'state' && event.state === 'QR',
      );
      process.kill(pid, 'SIGKILL');
      await restarted;
    }
    process.kill(rig.pool.get('1')!.browserPid!, 'SIGKILL');
    await waitForState(rig.connection, 'FAILED');

    expect(rig.pool.get('1')!.reason).toBe('browser exited; 2 restarts did not connect');
    expect(rig.connection.launches).toBe(3);
    expect(browserMains(rig.sessionDir)).toEqual([]);
  });
});
