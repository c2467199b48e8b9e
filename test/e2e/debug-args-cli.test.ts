import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DebugArgsResult } from '../../commands/debug-args.js';
import { ControlClient } from '../../src/control/client.js';
import type { ConnectionState } from '../../src/core/types.js';
import { repoRoot, runWr, waitFor } from '../harness/cli.js';
import {
  browserMainPidsFor,
  connectSimulator,
  profileDirOf,
  requireChromiumExecutable,
  sandboxChromiumArgs,
  writeSimulatorPage,
} from '../simulator/index.js';

const profiles = [
  {
    name: 'default',
    description: 'Replaces the shipped default with one the drop rule matches',
    headless: true,
    args: ['--no-sandbox'],
    lang: 'es-AR',
  },
  { name: 'plain', description: 'No language', headless: true, args: ['--no-sandbox'] },
  {
    name: 'spanish',
    description: 'Spanish, as the drop rule expects',
    headless: true,
    args: ['--no-sandbox'],
    lang: 'es-AR',
  },
];

/** Parses the result line that ends a --json run. */
function resultOf(stdout: string): DebugArgsResult {
  const last = stdout.trimEnd().split('\n').at(-1) ?? '';
  return JSON.parse(last) as DebugArgsResult;
}

describe('wr debug-args', () => {
  let root: string;
  let configFile: string;
  let socketPath: string;
  let sessionDir: string;
  let serve: ChildProcessWithoutNullStreams | undefined;
  let serveExited: Promise<unknown>;
  let client: ControlClient;
  const wr = (args: string[]) => ['--config', configFile, ...args];

  const hostState = async (state: ConnectionState) => {
    const connection = await client.get('1').catch(() => undefined);
    return connection?.state === state ? connection : undefined;
  };

  beforeAll(async () => {
    requireChromiumExecutable();
    if (!existsSync(path.join(repoRoot, 'dist/src/main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests');
    }
    root = mkdtempSync(path.join(tmpdir(), 'wr-debug-args-e2e-'));
    socketPath = path.join(root, 'run/control.sock');
    sessionDir = profileDirOf(path.join(root, 'auth'), '1');
    mkdirSync(path.join(root, 'profiles'));
    for (const profile of profiles) {
      writeFileSync(path.join(root, 'profiles', `${profile.name}.json`), JSON.stringify(profile));
    }
    const page = await writeSimulatorPage(path.join(root, 'cache'), {
      disconnectRules: [
        { when: { languages: ['es-AR', 'es'] }, afterReadyMs: 1_000, state: 'CONFLICT' },
      ],
    });
    configFile = path.join(root, 'wr.config.json');
    const config = {
      connections: [
        { id: '1', name: 'Centro', profile: 'plain' },
        { id: '2', name: 'Norte', profile: 'plain' },
      ],
      paths: { credentials: path.join(root, 'auth') },
      profilesDir: path.join(root, 'profiles'),
      chromium: { executablePath: '/usr/bin/chromium', extraArgs: sandboxChromiumArgs },
      whatsapp: page,
      control: { socket: socketPath },
    };
    writeFileSync(configFile, JSON.stringify(config));

    serve = spawn(process.execPath, [path.join(repoRoot, 'bin/wr'), ...wr(['serve'])], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    serve.stdin.end();
    serveExited = new Promise((resolve) => serve!.on('close', resolve));
    client = new ControlClient({ socketPath });
    await waitFor(() => hostState('QR'), 'the served connection to show a QR');
    const simulator = await connectSimulator(sessionDir);
    await simulator.scan();
    await simulator.close();
    await waitFor(() => hostState('CONNECTED'), 'the served connection to connect');
  }, 60_000);

  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      serve.kill('SIGTERM');
      await serveExited;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('matching profile is reported dropped', async () => {
    const run = await runWr(
      wr(['debug-args', '1', '--profile', 'spanish', '--watch', '3s', '--json']),
    );

    expect(run.exitCode).toBe(1);
    const result = resultOf(run.stdout);
    expect(result.reports).toHaveLength(1);
    expect(result.reports[0]!.verdict).toBe('dropped');
    expect(result.reports[0]!.disconnects[0]!.reason).toBe('CONFLICT');
    // The page drops 1 s after its own ready. The client's ready event comes
    // later by the time wwebjs works after that (0.4 s seen under load), and
    // a figure counted from the launch would add the launch, over 0.5 s.
    expect(result.reports[0]!.disconnects[0]!.secondsAfterReady).toBeGreaterThanOrEqual(0.3);
    expect(result.reports[0]!.disconnects[0]!.secondsAfterReady).toBeLessThan(1.5);
    expect(result.host).toEqual({ paused: true, alreadyPaused: false, resumed: true, error: null });
    const types = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).type);
    expect(types).toEqual(['starting', 'ready', 'report', 'result']);
    await waitFor(() => hostState('CONNECTED'), 'the host to connect again');
  }, 60_000);

  it('profile without the properties holds', async () => {
    const run = await runWr(wr(['debug-args', '1', '--profile', 'plain', '--watch', '3s']));

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('profile plain held on connection 1');
    expect(run.stdout).toMatch(/plain\s*│\s*held/);
    expect(run.stdout).toContain('paused for the run, then resumed');
    expect(run.stderr).toContain('profile plain: starting Chromium');
    expect(run.stderr).toMatch(/profile plain: ready after .+, watching for 3/);
    await waitFor(() => hostState('CONNECTED'), 'the host to connect again');
  }, 60_000);

  it('Ctrl-C resumes the host', async () => {
    const args = wr(['debug-args', '1', '--profile', 'plain', '--watch', '1m', '--json']);
    const run = await runWr(args, { signalAfterMs: 8_000 });

    expect(run.exitCode).toBe(130);
    const result = resultOf(run.stdout);
    expect(result.interrupted).toBe(true);
    expect(result.host.resumed).toBe(true);
    const connection = await waitFor(() => hostState('CONNECTED'), 'the host to connect again');
    expect(connection.paused).toBe(false);
    expect(browserMainPidsFor(sessionDir)).toHaveLength(1);
  }, 60_000);

  it('all without --yes needs a terminal', async () => {
    const run = await runWr(wr(['debug-args', '1', '--profile', 'all', '--watch', '3s']));

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('trying 6 profiles (default, desktop, low-memory, minimal');
    expect(run.stderr).toContain('offline for up to 6m 18s');
    expect(run.stderr).toContain('rerun with --yes');
  });

  it('all with --save keeps the holding profile', async () => {
    const args = ['debug-args', '1', '--profile', 'all', '--watch', '3s', '--yes', '--save'];
    const run = await runWr(wr([...args, '--json']), { timeoutMs: 90_000 });

    expect(run.exitCode).toBe(0);
    const result = resultOf(run.stdout);
    expect(result.reports.map((report) => report.profile)).toEqual(['default', 'desktop']);
    expect(result.reports.map((report) => report.verdict)).toEqual(['dropped', 'held']);
    expect(result.holding).toBe('desktop');
    expect(result.saved).toMatchObject({ file: configFile, previous: 'plain', host: true });
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    expect(config.connections[0].profile).toBe('desktop');
    const connection = await waitFor(() => hostState('CONNECTED'), 'the host to connect again');
    expect(connection.profile).toBe('desktop');
  }, 90_000);

  it('unpaired session shows the QR', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin/wr'),
        ...wr(['debug-args', '2', '--profile', 'plain', '--watch', '2s']),
      ],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME } },
    );
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

    try {
      await waitFor(async () => (stderr.includes('Scan this QR') ? true : undefined), 'a QR');
      const simulator = await connectSimulator(profileDirOf(path.join(root, 'auth'), '2'));
      await simulator.scan();
      await simulator.close();
    } catch (error) {
      // Ctrl-C makes the run stop its browser and resume the host before it exits.
      child.kill('SIGINT');
      await exited;
      throw error;
    }

    expect(await exited).toBe(0);
    expect(stderr).toContain('Scan this QR with the phone of the connection (profile plain)');
    expect(stderr).toMatch(/[█▀▄]{20,}/);
    expect(stdout).toContain('profile plain held on connection 2');
  }, 60_000);

  it('connection paused before stays paused', async () => {
    await client.stop('2');

    const run = await runWr(wr(['debug-args', '2', '--profile', 'plain', '--watch', '2s']));

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('was paused before the run and stays paused');
    const connection = await client.get('2');
    expect(connection.paused).toBe(true);
    expect(connection.state).toBe('STOPPED');
    await client.start('2');
  }, 60_000);

  it('invalid profile exits 2 naming the file', async () => {
    const file = path.join(root, 'profiles', 'broken.json');
    writeFileSync(file, JSON.stringify({ name: 'broken', headless: true, args: ['no-dashes'] }));

    const run = await runWr(wr(['debug-args', '1', '--profile', 'broken']));

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`invalid profile ${file}`);
    expect((await client.get('1')).paused).toBe(false);
    rmSync(file);
  });
});
