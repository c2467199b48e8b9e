import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { clientIdOf } from '../../src/config/client-id.js';
import { runProfile, type RunProfileOptions } from '../../src/debug-args/run-profile.js';
import {
  chromiumExecutable,
  chromiumPidsFor,
  connectSimulator,
  profileDirOf,
  requireChromiumExecutable,
  sandboxChromiumArgs,
  writeSimulatorPage,
} from '../simulator/index.js';

const profiles = {
  plain: { name: 'plain', description: 'No language', headless: true, args: ['--no-sandbox'] },
  spanish: {
    name: 'spanish',
    description: 'Spanish, as the drop rule expects',
    headless: true,
    args: ['--no-sandbox'],
    lang: 'es-AR',
  },
};

let root: string;
let config: Config;

beforeAll(async () => {
  requireChromiumExecutable();
  root = await mkdtemp('/tmp/wr-debug-args-run-');
  const simulator = await writeSimulatorPage(path.join(root, 'cache'), {
    disconnectRules: [
      { when: { languages: ['es-AR', 'es'] }, afterReadyMs: 1_000, state: 'CONFLICT' },
    ],
  });
  await mkdir(path.join(root, 'profiles'));
  for (const profile of Object.values(profiles)) {
    await writeFile(path.join(root, 'profiles', `${profile.name}.json`), JSON.stringify(profile));
  }
  config = configSchema.parse({
    paths: { credentials: path.join(root, 'auth') },
    profilesDir: path.join(root, 'profiles'),
    connections: [{ id: '1' }],
    chromium: { executablePath: chromiumExecutable, extraArgs: [...sandboxChromiumArgs] },
    whatsapp: { webVersion: simulator.webVersion, webVersionCache: simulator.webVersionCache },
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function options(profile: string, overrides: Partial<RunProfileOptions> = {}): RunProfileOptions {
  return {
    config,
    connection: config.connections[0]!,
    credentialsDir: path.join(root, 'auth'),
    profile,
    watchMs: 3_000,
    readyTimeoutMs: 20_000,
    signal: new AbortController().signal,
    timing: { backoff: { initialMs: 5_000, maxMs: 5_000, maxAttempts: 1 } },
    ...overrides,
  };
}

function sessionDir(): string {
  return profileDirOf(path.join(root, 'auth'), clientIdOf(config, '1'));
}

/** Scans the QR of the session folder of connection 1 from the simulator's side. */
async function scanQr(): Promise<void> {
  const simulator = await connectSimulator(sessionDir());
  try {
    await simulator.scan();
  } finally {
    await simulator.close();
  }
}

describe('debug-args local run', () => {
  it('profile without matching properties holds', async () => {
    const qrs: string[] = [];
    const onQr = (qr: string) => {
      if (qrs.length === 0) void scanQr();
      qrs.push(qr);
    };
    const report = await runProfile(options('plain', { onQr }));

    expect(qrs.length).toBeGreaterThan(0);
    expect(report.error).toBeNull();
    expect(report.verdict).toBe('held');
    expect(report.disconnects).toEqual([]);
    expect(report.launchMs).toBeGreaterThan(0);
    expect(report.readyMs).toBeGreaterThanOrEqual(report.launchMs!);
    expect(report.pssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(chromiumPidsFor(sessionDir())).toEqual([]);
  }, 60_000);

  it('matching profile drops with reason and time', async () => {
    const qrs: string[] = [];
    const report = await runProfile(options('spanish', { onQr: (qr) => void qrs.push(qr) }));

    expect(qrs).toEqual([]);
    expect(report.verdict).toBe('dropped');
    expect(report.disconnects[0]!.reason).toBe('CONFLICT');
    // The page drops 1 s after its own ready. The client's ready event comes
    // later by the time wwebjs works after that (0.4 s seen under load), and
    // a figure counted from the launch would add the launch, over 0.5 s.
    expect(report.disconnects[0]!.secondsAfterReady).toBeGreaterThanOrEqual(0.3);
    expect(report.disconnects[0]!.secondsAfterReady).toBeLessThan(1.5);
    expect(chromiumPidsFor(sessionDir())).toEqual([]);
  }, 60_000);
});
