import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { socketServiceCheck } from '../../src/health/checks/socket-service.js';
import { runChecks } from '../../src/health/runner.js';
import { probe } from '../../src/net/http.js';
import type { CheckEnvironment, CheckOutcome } from '../../src/health/types.js';
import {
  failingLookup,
  localLookup,
  refusingPort,
  startRoundRobinProxy,
  startSilentServer,
  startSocketIoServer,
  startStatusServer,
  startTracked,
  type TestServer,
} from '../harness/socket-servers.js';
import { startSelfSignedSocketIoServer } from '../harness/tls.js';

const servers: TestServer[] = [];

async function keep<T extends TestServer>(server: Promise<T>): Promise<T> {
  const started = await server;
  servers.push(started);
  return started;
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

function environmentFor(
  socketService: { url: string | null; path?: string },
  overrides: Partial<CheckEnvironment> = {},
): CheckEnvironment {
  return {
    config: configSchema.parse({ socketService }),
    configFile: null,
    docker: () => {
      throw new Error('the socket-service check must not use the Docker engine');
    },
    paths: async () => ({ public: null, credentials: null, problems: [] }),
    procRoot: '/proc',
    signal: AbortSignal.timeout(20_000),
    now: () => new Date(),
    ...overrides,
  };
}

async function check(url: string | null, overrides: Partial<CheckEnvironment> = {}) {
  return socketServiceCheck.run(environmentFor({ url }, overrides));
}

/** Runs a TypeScript module text with tsx from the repository root. */
function runTsx(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const tsx = path.resolve('node_modules/.bin/tsx');
    execFile(
      tsx,
      ['--input-type=module', '-e', script],
      { env, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`tsx failed: ${error.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}

/**
 * Starts a proxy that sends HTTP requests (polling) to one port and websocket
 * upgrades to another, as in a deployment half-way through an upgrade.
 */
async function startSplitProxy(pollingPort: number, websocketPort: number): Promise<TestServer> {
  const server = http.createServer((request, response) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: pollingPort, method: request.method, path: request.url },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('upgrade', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const upstream = net.connect(websocketPort, '127.0.0.1', () => {
      const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
  });
  return startTracked(server);
}

function detail<T>(outcome: CheckOutcome, key: string): T {
  return outcome.details[key] as T;
}

describe('socket-service on socket.io servers', () => {
  let v4: TestServer;
  let v4Eio3: TestServer;
  let v2: TestServer;

  beforeAll(async () => {
    v4 = await keep(startSocketIoServer('v4'));
    v4Eio3 = await keep(startSocketIoServer('v4-eio3'));
    v2 = await keep(startSocketIoServer('v2'));
  });

  test('socket-service skips without url', async () => {
    const outcome = await check(null);
    expect(outcome.status).toBe('skip');
    expect(outcome.remedy).toBe('set socketService.url in wr.config.json');
  });

  test('socket-service passes on socket.io 4', async () => {
    const outcome = await check(v4.url);
    expect(outcome.status, outcome.summary).toBe('ok');
    expect(detail(outcome, 'protocol')).toBe(4);
    expect(detail(outcome, 'sid')).toMatch(/^[\w-]+$/);
    expect(detail(outcome, 'upgrades')).toEqual(['websocket']);
    expect(detail(outcome, 'pingIntervalMs')).toBe(25_000);
    expect(detail(outcome, 'acceptsEio3')).toBe(false);
    expect(detail<{ connected: boolean }>(outcome, 'websocket').connected).toBe(true);
    expect(detail<{ accepted: number; lost: number }>(outcome, 'sticky')).toMatchObject({
      accepted: 3,
      lost: 0,
    });
    expect(detail<number>(outcome, 'latencyMs')).toBeGreaterThanOrEqual(0);
    expect(outcome.summary).toContain(`engine.io 4 at ${v4.url}/`);
    expect(outcome.remedy).toBeNull();
  });

  test('socket-service sees allowEIO3', async () => {
    const outcome = await check(v4Eio3.url);
    expect(outcome.status, outcome.summary).toBe('ok');
    expect(detail(outcome, 'protocol')).toBe(4);
    expect(detail(outcome, 'acceptsEio3')).toBe(true);
  });

  test('socket-service fails on socket.io 2', async () => {
    const outcome = await check(v2.url);
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toContain('socket.io-client 4 cannot connect either');
    expect(detail(outcome, 'protocol')).toBe(3);
    expect(outcome.summary).toContain('engine.io protocol 3 (socket.io 2)');
    expect(outcome.summary).toContain('only after a page reload (F5)');
    expect(outcome.remedy).toContain('upgrade the socket service to socket.io 4');
    expect(detail<{ lost: number }>(outcome, 'sticky').lost).toBe(0);
    expect(detail<{ connected: boolean }>(outcome, 'websocket').connected).toBe(false);
  });

  test('socket-service warns on mixed versions', async () => {
    const proxy = await keep(startSplitProxy(v2.port, v4.port));
    const outcome = await check(proxy.url);
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(detail(outcome, 'protocol')).toBe(3);
    expect(detail<{ connected: boolean }>(outcome, 'websocket').connected).toBe(true);
    expect(outcome.summary).toContain('engine.io protocol 3 (socket.io 2)');
    expect(outcome.summary).not.toContain('cannot connect');
    expect(outcome.remedy).toContain('upgrade the socket service to socket.io 4');
  });

  test('socket-service uses injected lookup', async () => {
    const url = v4.url.replace('127.0.0.1', 'sockets.test');
    const outcome = await check(url, { lookup: localLookup(['sockets.test']) });
    expect(outcome.status, outcome.summary).toBe('ok');
    expect(detail<{ connected: boolean }>(outcome, 'websocket').connected).toBe(true);
  });

  test('socket-service accepts websocket-only server', async () => {
    const server = await keep(startSocketIoServer('v4-websocket'));
    const outcome = await check(server.url);
    expect(outcome.status, outcome.summary).toBe('ok');
    expect(detail(outcome, 'polling')).toBe(false);
    expect(detail<{ connected: boolean }>(outcome, 'websocket').connected).toBe(true);
    expect(outcome.summary).toContain("clients must use transports: ['websocket']");
  });

  test('socket-service fails on wrong path', async () => {
    const outcome = await socketServiceCheck.run(environmentFor({ url: v4.url, path: '/ws' }));
    expect(outcome.status).toBe('fail');
    expect(detail(outcome, 'failure')).toMatchObject({ kind: 'http', status: 404 });
    expect(outcome.summary).toContain(`${v4.url}/ws/?EIO=4`);
    expect(outcome.remedy).toContain('socketService.path ("/ws")');
  });
});

describe('socket-service behind a load balancer', () => {
  let instances: TestServer[];

  beforeAll(async () => {
    instances = [await keep(startSocketIoServer('v4')), await keep(startSocketIoServer('v4'))];
  });

  test('socket-service fails without sticky sessions', async () => {
    const proxy = await keep(
      startRoundRobinProxy(
        instances.map((i) => i.port),
        { affinity: false },
      ),
    );
    const outcome = await check(proxy.url);
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(detail<{ lost: number }>(outcome, 'sticky').lost).toBeGreaterThan(0);
    expect(outcome.summary).toContain('"Session ID unknown"');
    expect(outcome.summary).toContain('no sticky sessions');
    expect(outcome.remedy).toContain('enable sticky sessions on the load balancer');
    expect(new Set(proxy.routes)).toEqual(new Set([0, 1]));
  });

  test('socket-service warns when upgrades blocked', async () => {
    const proxy = await keep(
      startRoundRobinProxy([instances[0]?.port as number], { affinity: false, upgrades: false }),
    );
    const outcome = await check(proxy.url);
    const websocket = detail<{ connected: boolean; error: string }>(outcome, 'websocket');
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(websocket.connected).toBe(false);
    expect(outcome.summary).toContain('websocket connection failed');
    expect(outcome.remedy).toContain('let websocket upgrades through every proxy');
    expect(detail<{ lost: number }>(outcome, 'sticky').lost).toBe(0);
  });

  test('socket-service fails websocket-only behind blocking proxy', async () => {
    const server = await keep(startSocketIoServer('v4-websocket'));
    const proxy = await keep(
      startRoundRobinProxy([server.port], { affinity: false, upgrades: false }),
    );
    const outcome = await check(proxy.url);
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(detail(outcome, 'polling')).toBe(false);
    expect(outcome.summary).toContain('rejects polling ("Transport unknown")');
    expect(outcome.summary).toContain('websocket connection failed');
    expect(outcome.remedy).toContain('let websocket upgrades through every proxy');
  });

  test('socket-service passes with affinity', async () => {
    const proxy = await keep(
      startRoundRobinProxy(
        instances.map((i) => i.port),
        { affinity: true },
      ),
    );
    const outcome = await check(proxy.url);
    expect(outcome.status, outcome.summary).toBe('ok');
    expect(detail<{ accepted: number; lost: number }>(outcome, 'sticky')).toMatchObject({
      accepted: 3,
      lost: 0,
    });
    expect(detail<{ connected: boolean }>(outcome, 'websocket').connected).toBe(true);
  });
});

describe('socket-service failures', () => {
  test('socket-service classifies refused', async () => {
    const url = `http://127.0.0.1:${await refusingPort()}`;
    const outcome = await check(url);
    expect(outcome.status).toBe('fail');
    expect(detail(outcome, 'failure')).toMatchObject({ kind: 'refused', code: 'ECONNREFUSED' });
    expect(outcome.summary).toContain(`${url}/socket.io/?EIO=4`);
    expect(outcome.summary).toContain('connection refused');
    expect(outcome.remedy).toContain('start the socket service');
  });

  test('socket-service classifies DNS failure', async () => {
    const outcome = await check('https://sockets.example.invalid', { lookup: failingLookup() });
    expect(outcome.status).toBe('fail');
    expect(detail(outcome, 'failure')).toMatchObject({ kind: 'dns', code: 'ENOTFOUND' });
    expect(outcome.summary).toContain('https://sockets.example.invalid/socket.io/');
    expect(outcome.summary).toContain('DNS lookup of sockets.example.invalid failed');
  });

  test('socket-service classifies EAI_AGAIN', async () => {
    const outcome = await check('http://sockets.test', { lookup: failingLookup('EAI_AGAIN') });
    expect(detail(outcome, 'failure')).toMatchObject({ kind: 'dns', code: 'EAI_AGAIN' });
  });

  test('socket-service classifies TLS failure', async () => {
    const server = await keep(startSelfSignedSocketIoServer());
    const outcome = await check(server.url);
    expect(server.url).toMatch(/^https:/);
    expect(outcome.status).toBe('fail');
    expect(detail(outcome, 'failure')).toMatchObject({
      kind: 'tls',
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    expect(outcome.summary).toContain(`${server.url}/socket.io/`);
    expect(outcome.summary).toContain('TLS handshake failed');
    expect(outcome.remedy).toContain('NODE_EXTRA_CA_CERTS');
  });

  test('socket-service trusts NODE_EXTRA_CA_CERTS', async () => {
    const server = await keep(startSelfSignedSocketIoServer());
    const folder = await mkdtemp(path.join(tmpdir(), 'wr-B-ca-'));
    const caFile = path.join(folder, 'ca.pem');
    await writeFile(caFile, server.cert);
    // Node reads NODE_EXTRA_CA_CERTS only at startup, so the check runs in a child process.
    const script = [
      "import { configSchema } from './src/config/schema.ts';",
      "import { socketServiceCheck } from './src/health/checks/socket-service.ts';",
      `const config = configSchema.parse({ socketService: { url: '${server.url}' } });`,
      'const outcome = await socketServiceCheck.run({ config, signal: AbortSignal.timeout(10000) });',
      'process.stdout.write(JSON.stringify(outcome));',
    ].join('\n');
    try {
      const child = await runTsx(script, { ...process.env, NODE_EXTRA_CA_CERTS: caFile });
      expect(child.stderr).toBe('');
      const outcome = JSON.parse(child.stdout) as CheckOutcome;
      expect(outcome.status, outcome.summary).toBe('ok');
      expect(detail<{ connected: boolean }>(outcome, 'websocket').connected).toBe(true);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  for (const status of [402, 403]) {
    test(`socket-service explains HTTP ${status}`, async () => {
      const page = await keep(startStatusServer(status, '<h1>This app is disabled</h1>'));
      const outcome = await check(page.url);
      expect(outcome.status).toBe('fail');
      expect(detail(outcome, 'failure')).toMatchObject({ kind: 'http', status });
      expect(outcome.summary).toContain(`${page.url}/socket.io/`);
      expect(outcome.summary).toContain('disabled or its bill is unpaid');
      expect(outcome.summary).toContain('administration can confirm');
      expect(outcome.remedy).toContain('ask the administration');
    });
  }

  test('socket-service names redirect target', async () => {
    const page = await keep(
      startStatusServer(301, 'moved', { Location: 'https://sockets.example.com/socket.io/' }),
    );
    const outcome = await check(page.url);
    expect(outcome.status).toBe('fail');
    expect(detail(outcome, 'failure')).toMatchObject({ kind: 'http', status: 301 });
    expect(outcome.summary).toContain('redirecting to https://sockets.example.com/socket.io/');
    expect(outcome.remedy).toContain(
      'set socketService.url in wr.config.json to https://sockets.example.com',
    );
  });

  test('socket-service reports engine.io rejection', async () => {
    const page = await keep(startStatusServer(403, '{"code":4,"message":"Forbidden"}'));
    const outcome = await check(page.url);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('rejected the handshake');
    expect(outcome.summary).toContain('Forbidden (engine.io error 4)');
    expect(outcome.summary).not.toContain('bill');
    expect(outcome.remedy).toContain('allowRequest');
  });

  test('socket-service rejects non-engine page', async () => {
    const page = await keep(startStatusServer(200, '<!doctype html><title>app</title>'));
    const outcome = await check(page.url);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('no engine.io open packet');
    expect(outcome.summary).toContain(page.url);
  });
});

describe('socket-service on a hanging server', () => {
  let silent: TestServer;

  beforeAll(async () => {
    silent = await keep(startSilentServer());
  });

  test('socket-service stops at signal', async () => {
    const started = performance.now();
    const outcome = await check(silent.url, { signal: AbortSignal.timeout(1000) });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1500);
    expect(outcome.status).toBe('fail');
    expect(detail(outcome, 'failure')).toMatchObject({ kind: 'timeout' });
    expect(outcome.summary).toContain(`${silent.url}/socket.io/`);
    expect(outcome.summary).toContain('no response within');
  });

  test('socket-service times out requests', async () => {
    const started = performance.now();
    const outcome = await check(silent.url);
    expect(performance.now() - started).toBeLessThan(6000);
    expect(detail(outcome, 'failure')).toMatchObject({ kind: 'timeout' });
    expect(outcome.summary).toContain('no response within 5s');
  });

  test('socket-service times out before runner', async () => {
    // runChecks replaces the signal with its own, aborted at the timeout, and passes the deadline,
    // as wr doctor --timeout 2s does.
    const environment = environmentFor({ url: silent.url });
    const started = performance.now();
    const [result] = await runChecks([socketServiceCheck], environment, { timeoutMs: 2000 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2000);
    expect(elapsed).toBeGreaterThan(1500);
    expect(result?.status).toBe('fail');
    expect(result?.details).not.toHaveProperty('timedOut');
    expect(detail(result as CheckOutcome, 'failure')).toMatchObject({ kind: 'timeout' });
    expect(result?.summary).toContain(`socket service handshake failed: ${silent.url}/socket.io/`);
    expect(result?.summary).toContain('no response within');
    expect(result?.summary).not.toContain('did not finish');
    expect(result?.remedy).toContain('running and not overloaded');
  });
});

describe('http probe', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await keep(
      startTracked(
        http.createServer((request, response) => {
          response.writeHead(200, { 'Content-Type': 'text/plain' });
          // /stall sends part of the body and then nothing more.
          if (request.url === '/stall') response.write('partial');
          else response.end('x'.repeat(200 * 1024));
        }),
      ),
    );
  });

  test('probe times out mid-body', async () => {
    const result = await probe(new URL(`${server.url}/stall`), {
      signal: AbortSignal.timeout(5000),
      timeoutMs: 300,
    });
    expect('failure' in result && result.failure.kind).toBe('timeout');
  });

  test('probe reports abort mid-body as timeout', async () => {
    const result = await probe(new URL(`${server.url}/stall`), {
      signal: AbortSignal.timeout(300),
      timeoutMs: 5000,
    });
    expect('failure' in result && result.failure.code).toBe('ABORT_ERR');
    expect('failure' in result && result.failure.kind).toBe('timeout');
  });

  test('probe truncates long body', async () => {
    const result = await probe(new URL(`${server.url}/big`), {
      signal: AbortSignal.timeout(5000),
      timeoutMs: 5000,
      maxBodyBytes: 1000,
    });
    expect('response' in result && result.response.body.length).toBe(1000);
    expect('response' in result && result.response.status).toBe(200);
  });
});
