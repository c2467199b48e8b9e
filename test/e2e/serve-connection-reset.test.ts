import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQRModule from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlClient } from '../../src/control/client.js';
import { repoRoot, runWr, waitFor } from '../harness/cli.js';
import {
  browserMainPidsFor,
  chromiumPidsFor,
  connectSimulator,
  profileDirOf,
  requireChromiumExecutable,
  sandboxChromiumArgs,
  writeSimulatorPage,
  type SimulatorController,
} from '../simulator/index.js';

// jsqr is CommonJS: its types declare an ES default export, Node hands over module.exports.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

/** A `bin/wr` run whose output the test reads while it runs. */
interface LiveRun {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startWr(args: string[]): LiveRun {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/wr'), ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin.end();
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Splits output into the QR codes qrcode-terminal drew: runs of equal-length block-character lines. */
function qrBlocks(text: string): string[][] {
  const blocks: string[][] = [];
  let block: string[] = [];
  for (const line of text.split('\n')) {
    const isQrLine = line.length >= 21 && /^[█▀▄ ]+$/.test(line);
    // A QR starts with a border line of lower half blocks, even right after another QR.
    const isTopBorder = /^▄+$/.test(line);
    if (isQrLine && !isTopBorder && line.length === block[0]?.length) {
      block.push(line);
      continue;
    }
    if (block.length >= 10) blocks.push(block);
    block = isQrLine ? [line] : [];
  }
  if (block.length >= 10) blocks.push(block);
  return blocks;
}

/**
 * Decodes a QR drawn in half blocks. Each character is two modules: a
 * filled half is a light module. The border lines become quiet zone.
 */
function decodeQr(lines: string[]): string | null {
  const scale = 4;
  const pad = 4;
  const width = (lines[0]?.length ?? 0) + pad * 2;
  const height = lines.length * 2 + pad * 2;
  const data = new Uint8ClampedArray(width * scale * height * scale * 4).fill(255);
  lines.forEach((line, row) => {
    const border = /^[▄▀]+$/.test(line);
    [...line].forEach((char, column) => {
      const top = border || char === '█' || char === '▀';
      const bottom = border || char === '█' || char === '▄';
      if (!top) paintDark(data, width * scale, column + pad, row * 2 + pad, scale);
      if (!bottom) paintDark(data, width * scale, column + pad, row * 2 + 1 + pad, scale);
    });
  });
  return jsQR(data, width * scale, height * scale)?.data ?? null;
}

function paintDark(data: Uint8ClampedArray, stride: number, x: number, y: number, scale: number) {
  for (let dy = 0; dy < scale; dy += 1) {
    for (let dx = 0; dx < scale; dx += 1) {
      const index = ((y * scale + dy) * stride + x * scale + dx) * 4;
      data[index] = 0;
      data[index + 1] = 0;
      data[index + 2] = 0;
    }
  }
}

function lastQr(text: string): string | null {
  const blocks = qrBlocks(text);
  const block = blocks.at(-1);
  return block ? decodeQr(block) : null;
}

/** Decodes the last QR drawn after the reset's "starting" line; null before there is one. */
function qrAfterStart(stderr: string): string | null {
  const start = stderr.indexOf('connection 1: starting');
  return start === -1 ? null : lastQr(stderr.slice(start));
}

/**
 * Parses the result that ends a --json run: the last line when the CLI
 * prints it compact, else the indented object that starts at the last "{"
 * line.
 */
function finalJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trimEnd().split('\n');
  const last = lines.at(-1) ?? '';
  if (last.startsWith('{') && last.endsWith('}')) return JSON.parse(last);
  return JSON.parse(lines.slice(lines.lastIndexOf('{')).join('\n'));
}

/** Pids of browser main processes (no --type=) on a profile folder. */
const browserMains = browserMainPidsFor;

describe('wr serve and connection reset', () => {
  let root: string;
  let configFile: string;
  let socketPath: string;
  let profileDir: string;
  let serve: LiveRun | undefined;
  let tcpUrl: string;
  const simulators: SimulatorController[] = [];

  /**
   * Connects to the simulator in the browser the reset launched, once the
   * reset shows a QR that the page offers. A connection made earlier could
   * reach the browser the reset is closing.
   */
  const simulatorShowing = async (run: LiveRun) => {
    return waitFor(async () => {
      const shown = qrAfterStart(run.stderr());
      if (shown === null) return undefined;
      const controller = await connectSimulator(profileDir, { timeoutMs: 5000 });
      const offered = await controller.qr().catch(() => null);
      if (offered === shown) {
        simulators.push(controller);
        return { controller, qr: shown };
      }
      await controller.close();
      return undefined;
    }, 'a QR on the terminal that the simulator offers');
  };
  const wr = (args: string[]) => ['--config', configFile, ...args];

  beforeAll(async () => {
    requireChromiumExecutable();
    if (!existsSync(path.join(repoRoot, 'dist/src/main.js'))) {
      throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests');
    }
    root = mkdtempSync(path.join(tmpdir(), 'wr-control-e2e-'));
    socketPath = path.join(root, 'run/control.sock');
    profileDir = profileDirOf(path.join(root, 'auth'), '1');
    const page = await writeSimulatorPage(path.join(root, 'cache'), { syncDelayMs: 300 });
    configFile = path.join(root, 'wr.config.json');
    const config = {
      connections: [{ id: '1', name: 'Centro' }],
      paths: { credentials: path.join(root, 'auth') },
      chromium: { executablePath: '/usr/bin/chromium', extraArgs: sandboxChromiumArgs },
      whatsapp: page,
      control: { socket: socketPath, token: 'e2e-token' },
    };
    writeFileSync(configFile, JSON.stringify(config));

    serve = startWr(wr(['serve', '--listen', '127.0.0.1:0']));
    const client = new ControlClient({ socketPath });
    await waitFor(async () => {
      const connection = await client.get('1').catch(() => undefined);
      return connection?.state === 'QR' ? connection : undefined;
    }, 'the served connection to show a QR');
    const address = /"tcp":"([\d.]+:\d+)"/.exec(serve.stderr())?.[1];
    tcpUrl = `http://${address}`;
  });

  afterAll(async () => {
    for (const controller of simulators) await controller.close().catch(() => undefined);
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('control socket has mode 0600', () => {
    const stat = statSync(socketPath);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it('second serve is rejected', async () => {
    const run = await runWr(wr(['serve']), { timeoutMs: 20_000 });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`another host already serves the control socket ${socketPath}`);
    expect(run.stderr).toContain('stop the other wr serve');
    expect(browserMains(profileDir)).toHaveLength(1);
  });

  it('listen without a token is rejected', async () => {
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    const noToken = path.join(root, 'no-token.json');
    writeFileSync(noToken, JSON.stringify({ ...config, control: { socket: socketPath } }));
    const run = await runWr(['--config', noToken, 'serve', '--listen', '127.0.0.1:0']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('control.token is not set');
  });

  it('tcp listener needs the token', async () => {
    const env = { WR_CONTROL_URL: tcpUrl, WR_CONTROL_TOKEN: 'e2e-token' };
    const listed = await runWr(wr(['connection', 'list', '--json']), { env });
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout).host).toBe(tcpUrl);

    const wrong = { WR_CONTROL_URL: tcpUrl, WR_CONTROL_TOKEN: 'wrong-token' };
    const rejected = await runWr(wr(['connection', 'list', '--json']), { env: wrong });
    expect(rejected.exitCode).toBe(1);
    expect(JSON.parse(rejected.stdout).error.code).toBe('UNAUTHORIZED');

    const response = await fetch(`${tcpUrl}/v1/connections`);
    expect(response.status).toBe(401);
  });

  it('list shows the connection', async () => {
    const run = await runWr(wr(['connection', 'list', '--json']));
    expect(run.exitCode).toBe(0);
    const list = JSON.parse(run.stdout);
    expect(list.host).toBe(socketPath);
    expect(list.connections).toHaveLength(1);
    expect(list.connections[0]).toMatchObject({ id: '1', name: 'Centro', state: 'QR' });
    expect(list.connections[0].browserPid).toBe(browserMains(profileDir)[0]);
  });

  it('reset shows the qr and connects', async () => {
    const reset = startWr(wr(['connection', 'reset', '1', '--timeout', '60s']));
    const { controller, qr: firstQr } = await simulatorShowing(reset);
    expect(firstQr.endsWith(',WEB')).toBe(true);

    const ref = await controller.rotateQr();
    const rotated = await waitFor(() => {
      const shown = lastQr(reset.stderr());
      return shown?.startsWith(`${ref},`) ? shown : undefined;
    }, 'the rotated QR');
    expect(rotated).not.toBe(firstQr);
    expect(rotated).toBe(await controller.qr());

    await controller.scan();
    expect(await reset.exited).toBe(0);
    expect(reset.stdout()).toContain('connection 1 is CONNECTED');
    expect(reset.stderr()).toContain('connection 1: syncing');
  });

  it('concurrent resets share one qr', async () => {
    const first = startWr(wr(['connection', 'reset', '1', '--logout', '--timeout', '60s']));
    await waitFor(() => (first.stderr().includes('starting') ? true : undefined), 'starting');
    const second = startWr(wr(['connection', 'reset', '1', '--logout', '--json']));
    const { controller, qr } = await simulatorShowing(first);
    const events = () =>
      second
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{"type"'))
        .map((line) => JSON.parse(line));
    await waitFor(
      () => (events().some((event) => event.qr === qr) ? true : undefined),
      'the second reset to show the same QR',
    );
    expect(browserMains(profileDir)).toHaveLength(1);

    await controller.scan();
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    const streamed = events().filter((event) => event.type !== 'result');
    expect(streamed.at(-1)).toMatchObject({ type: 'state', state: 'CONNECTED' });
    expect(events().at(-1)?.type).toBe('result');
    const result = finalJson(second.stdout());
    expect(result).toMatchObject({ type: 'result', id: '1', outcome: 'connected', joined: true });
  });

  it('ctrl-c stops watching only', async () => {
    const reset = startWr(wr(['connection', 'reset', '1', '--logout']));
    await simulatorShowing(reset);
    reset.child.kill('SIGINT');
    expect(await reset.exited).toBe(130);
    expect(reset.stderr()).toContain('stopped watching connection 1');
    expect(reset.stderr()).toContain('the reset goes on on the host');

    const list = JSON.parse((await runWr(wr(['connection', 'list', '--json']))).stdout);
    expect(list.connections[0].state).toBe('QR');
    expect(browserMains(profileDir)).toHaveLength(1);
  });

  it('reset times out with next step', async () => {
    const run = await runWr(wr(['connection', 'reset', '1', '--timeout', '3s']), {
      timeoutMs: 30_000,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('connection 1 reset timed out after 3s');
    expect(run.stdout).toContain('rerun wr connection reset 1 and scan the QR');
  });

  it('doctor reads the host', async () => {
    const run = await runWr(wr(['doctor', '--check', 'connections', '--json']));
    const report = JSON.parse(run.stdout);
    const [check] = report.checks;
    expect(check.id).toBe('connections');
    expect(check.status).toBe('warn');
    expect(check.summary).toContain('connection 1 waits for a QR scan');
    expect(check.summary).toContain('WhatsApp Web 2.3000.1000000000');
    expect(check.remedy).toBe('wr connection reset 1');
    expect(check.details.browsers).toEqual([
      { pid: browserMains(profileDir)[0], folder: profileDir, connection: '1', role: 'host' },
    ]);
  });

  it('sigterm leaves no chromium', async () => {
    expect(browserMains(profileDir).length).toBeGreaterThan(0);
    serve?.child.kill('SIGTERM');
    expect(await serve?.exited).toBe(0);
    expect(chromiumPidsFor(profileDir)).toEqual([]);
    expect(existsSync(socketPath)).toBe(false);
    expect(serve?.stderr()).toContain('"msg":"stopped"');
  });

  it('list without a host is unreachable', async () => {
    const run = await runWr(wr(['connection', 'list']));
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('CONTROL_UNREACHABLE');
    expect(run.stderr).toContain(socketPath);
    expect(run.stderr).toContain('wr serve');
  });
});
