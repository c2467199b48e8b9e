import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlClient } from '../../src/control/client.js';
import { startControlServer, type ControlServer } from '../../src/control/server.js';
import type {
  ConnectionEvent,
  ConnectionSnapshot,
  ConnectionState,
  PoolControl,
} from '../../src/core/types.js';
import { WrError } from '../../src/errors.js';
import { watchReset } from '../../src/control/reset-watch.js';
import type { ResetReporter } from '../../src/output/events.js';
import { connectionSnapshot } from '../harness/fixtures.js';

/** A pool of in-memory connections whose resets the test finishes by hand. */
class FakePool implements PoolControl {
  readonly connections = new Map<string, ConnectionSnapshot>();
  readonly listeners = new Map<string, Set<(event: ConnectionEvent) => void>>();
  resetCalls = 0;
  finishReset: (() => void) | undefined;

  constructor(ids: string[]) {
    for (const id of ids) this.connections.set(id, snapshot(id));
  }

  list() {
    return [...this.connections.values()];
  }
  get(id: string) {
    return this.connections.get(id);
  }
  async reset(id: string) {
    this.resetCalls += 1;
    this.change(id, { busy: true });
    this.emitState(id, 'STARTING');
    await new Promise<void>((resolve) => (this.finishReset = resolve));
    this.change(id, { busy: false });
    return this.get(id) as ConnectionSnapshot;
  }
  async start(id: string) {
    return this.get(id) as ConnectionSnapshot;
  }
  async stop(id: string) {
    this.emitState(id, 'STOPPED');
    return this.get(id) as ConnectionSnapshot;
  }
  async update(id: string, changes: { profile?: string }) {
    if (changes.profile === 'missing') {
      throw new WrError('UNKNOWN_PROFILE', `profile "missing" not found`);
    }
    if (changes.profile === 'crash') throw new Error('pool bug');
    return this.change(id, { profile: changes.profile ?? 'default' });
  }
  subscribe(id: string, listener: (event: ConnectionEvent) => void) {
    const set = this.listeners.get(id) ?? new Set();
    set.add(listener);
    this.listeners.set(id, set);
    return () => set.delete(listener);
  }

  change(id: string, fields: Partial<ConnectionSnapshot>): ConnectionSnapshot {
    const next = { ...(this.get(id) as ConnectionSnapshot), ...fields };
    this.connections.set(id, next);
    return next;
  }
  emit(event: ConnectionEvent) {
    for (const listener of this.listeners.get(event.id) ?? []) listener(event);
  }
  emitState(id: string, state: ConnectionState) {
    this.change(id, { state });
    this.emit({ type: 'state', id, state, reason: null, at: new Date().toISOString() });
  }
  emitQr(id: string, qr: string) {
    this.change(id, { state: 'QR', qr });
    this.emit({ type: 'qr', id, qr, at: new Date().toISOString() });
  }
}

function snapshot(id: string): ConnectionSnapshot {
  return connectionSnapshot(id, { name: `Connection ${id}` });
}

const folders: string[] = [];
function tempFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'wr-control-'));
  folders.push(folder);
  return folder;
}
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function rawRequest(
  port: number,
  request: { method: string; path: string; headers?: Record<string, string> },
) {
  const response = await fetch(`http://127.0.0.1:${port}${request.path}`, {
    method: request.method,
    headers: request.headers,
  });
  return { status: response.status, body: await response.json() };
}

async function collect(events: AsyncGenerator<ConnectionEvent>, count: number) {
  const seen: ConnectionEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    if (seen.length === count) break;
  }
  return seen;
}

describe('control server', () => {
  let pool: FakePool;
  let server: ControlServer;
  let client: ControlClient;
  let socketPath: string;

  beforeEach(async () => {
    pool = new FakePool(['3', '7']);
    socketPath = path.join(tempFolder(), 'control.sock');
    server = await startControlServer({ pool, socketPath, heartbeatMs: 50 });
    client = new ControlClient({ socketPath });
  });
  afterEach(async () => {
    pool.finishReset?.();
    await server.close();
  });

  it('socket has mode 0600', () => {
    const stat = statSync(socketPath);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it('health reports version and pid', async () => {
    const health = await client.health();
    expect(health.alive).toBe(true);
    expect(health.pid).toBe(process.pid);
    expect(health.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(health.connections).toBe(2);
  });

  it('list and get return snapshots', async () => {
    const list = await client.list();
    expect(list.map((connection) => connection.id)).toEqual(['3', '7']);
    const one = await client.get('7');
    expect(one.name).toBe('Connection 7');
  });

  it('unknown connection is 404 with error shape', async () => {
    const error = await client.get('99').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WrError);
    expect((error as WrError).code).toBe('CONNECTION_NOT_FOUND');
    expect((error as WrError).message).toContain('"99"');
    expect((error as WrError).message).toContain('known: 3, 7');
  });

  it('bad body is 400', async () => {
    const wrongType = await client
      .reset('3', { logout: 'yes' as unknown as boolean })
      .catch((caught: unknown) => caught);
    expect((wrongType as WrError).code).toBe('INVALID_BODY');
    expect((wrongType as WrError).message).toContain('logout');
    const unknownKey = await client
      .update('3', { colour: 'red' } as { profile?: string })
      .catch((caught: unknown) => caught);
    expect((unknownKey as WrError).code).toBe('INVALID_BODY');
    expect((unknownKey as WrError).message).toContain('colour');
    expect(pool.resetCalls).toBe(0);
  });

  it('pool errors map to status codes', async () => {
    const missing = await client.update('3', { profile: 'missing' }).catch((caught) => caught);
    expect((missing as WrError).code).toBe('UNKNOWN_PROFILE');
    const crash = await client.update('3', { profile: 'crash' }).catch((caught) => caught);
    expect((crash as WrError).code).toBe('INTERNAL');
    expect((crash as WrError).message).toContain('pool bug');
    const updated = await client.update('3', { profile: 'desktop' });
    expect(updated.profile).toBe('desktop');
  });

  it('concurrent resets join one operation', async () => {
    const first = client.reset('3', {});
    await waitFor(() => pool.finishReset !== undefined);
    const second = client.reset('3', { logout: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    pool.finishReset?.();
    const [one, two] = await Promise.all([first, second]);
    expect(pool.resetCalls).toBe(1);
    expect(one.joined).toBe(false);
    expect(two.joined).toBe(true);
  });

  it('events start with current state and qr', async () => {
    pool.change('3', { state: 'QR', qr: 'ref-1,key,key,secret,web' });
    const events = client.events('3');
    const seen = await collect(events, 2);
    expect(seen.map((event) => event.type)).toEqual(['state', 'qr']);
    expect(seen[1]).toMatchObject({ type: 'qr', qr: 'ref-1,key,key,secret,web' });
  });

  it('events follow the pool in order', async () => {
    const controller = new AbortController();
    const events = client.events('7', { signal: controller.signal });
    const first = await events.next();
    expect(first.value).toMatchObject({ type: 'state', state: 'CONNECTED' });

    pool.emitState('7', 'STARTING');
    pool.emitQr('7', 'ref-a');
    pool.emitQr('7', 'ref-b');
    pool.emit({ type: 'ready', id: '7', at: new Date().toISOString() });
    const seen = await collect(events, 4);
    expect(seen.map((event) => event.type)).toEqual(['state', 'qr', 'qr', 'ready']);
    expect(seen.map((event) => ('qr' in event ? event.qr : null))).toEqual([
      null,
      'ref-a',
      'ref-b',
      null,
    ]);
    controller.abort();
  });

  it('late subscriber sees the current qr', async () => {
    const early = client.events('3');
    await early.next();
    pool.emitState('3', 'STARTING');
    pool.emitQr('3', 'ref-late');
    const late = await collect(client.events('3'), 2);
    expect(late[0]).toMatchObject({ type: 'state', state: 'QR' });
    expect(late[1]).toMatchObject({ type: 'qr', qr: 'ref-late' });
    await early.return(undefined);
  });

  it('events of unknown connection is 404', async () => {
    const error = await client
      .events('99')
      .next()
      .catch((caught: unknown) => caught);
    expect((error as WrError).code).toBe('CONNECTION_NOT_FOUND');
  });

  it('unsubscribes when the stream closes', async () => {
    const controller = new AbortController();
    const events = client.events('3', { signal: controller.signal });
    await events.next();
    expect(pool.listeners.get('3')?.size).toBe(1);
    controller.abort();
    await events.next().catch(() => undefined);
    await waitFor(() => pool.listeners.get('3')?.size === 0);
  });

  it('events stream sends heartbeats', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const request = http.get({ socketPath, path: '/v1/connections/3/events' }, (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += chunk;
          if (body.includes(': heartbeat')) {
            request.destroy();
            resolve(body);
          }
        });
      });
      request.on('error', reject);
    });
    expect(text.startsWith('event: state\ndata: {')).toBe(true);
    expect(text).toContain('\n\n: heartbeat\n\n');
  });

  it('request errors are logged with ids', async () => {
    const entries: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
    const record = (level: string) => (fields: object, message: string) =>
      entries.push({ level, fields: fields as Record<string, unknown>, message });
    const logger = { info: record('info'), warn: record('warn'), error: record('error') };
    const loggedPath = path.join(tempFolder(), 'logged.sock');
    const logged = await startControlServer({ pool, socketPath: loggedPath, logger });
    const loggedClient = new ControlClient({ socketPath: loggedPath });
    await loggedClient.update('3', { profile: 'crash' }).catch(() => undefined);
    await loggedClient.get('42').catch(() => undefined);
    await logged.close();

    const [crash, missing] = entries;
    expect(crash?.level).toBe('error');
    expect(crash?.fields.connectionId).toBe('3');
    expect(crash?.fields.requestId).toMatch(/^[0-9a-f]{8}$/);
    expect(crash?.fields.err).toBeInstanceOf(Error);
    expect(missing?.level).toBe('warn');
    expect(missing?.fields).toMatchObject({ connectionId: '42', status: 404 });
  });

  it('encoded connection id is decoded', async () => {
    pool.connections.set('a b', snapshot('a b'));
    expect((await client.get('a b')).id).toBe('a b');
  });

  it('unknown route is 404', async () => {
    const response = await rawUnixRequest(socketPath, 'GET', '/v2/nothing');
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: 'no route for GET /v2/nothing' },
    });
  });
});

describe('reset watch', () => {
  let pool: FakePool;
  let server: ControlServer;
  let client: ControlClient;
  let shown: ConnectionEvent[];
  let notes: string[];
  let reporter: ResetReporter;

  beforeEach(async () => {
    pool = new FakePool(['3']);
    const socketPath = path.join(tempFolder(), 'watch.sock');
    server = await startControlServer({ pool, socketPath });
    client = new ControlClient({ socketPath });
    shown = [];
    notes = [];
    reporter = {
      event: (event) => shown.push(event),
      note: (text) => notes.push(text),
      finish() {},
    };
  });
  afterEach(async () => {
    pool.finishReset?.();
    await server.close();
  });

  const watch = (options: { timeoutMs?: number; signal?: AbortSignal } = {}) =>
    watchReset(client, '3', {
      logout: false,
      timeoutMs: options.timeoutMs ?? 5000,
      signal: options.signal ?? new AbortController().signal,
      reporter,
    });

  it('ends connected after the qr', async () => {
    const result = watch();
    await waitFor(() => pool.finishReset !== undefined);
    pool.emitQr('3', 'ref-1');
    await waitFor(() => shown.some((event) => event.type === 'qr'));
    pool.finishReset?.();
    pool.emitState('3', 'SYNCING');
    pool.emitState('3', 'CONNECTED');
    const outcome = await result;
    expect(outcome.outcome).toBe('connected');
    expect(outcome.qrCount).toBe(1);
    expect(outcome.joined).toBe(false);
    // The state before the reset is not shown: the first event is the reset's own.
    expect(shown.some((event) => event.type === 'state' && event.state === 'CONNECTED')).toBe(true);
    expect(shown.findIndex((event) => event.type === 'state' && event.state === 'CONNECTED')).toBe(
      shown.length - 1,
    );
    expect(shown.at(-1)).toMatchObject({ type: 'state', state: 'CONNECTED' });
  });

  it('initial connected state ends nothing', async () => {
    const result = watch({ timeoutMs: 300 });
    const outcome = await result;
    expect(outcome.outcome).toBe('timeout');
    expect(outcome.state).toBe('STARTING');
  });

  it('failed state ends with reason', async () => {
    const result = watch();
    await waitFor(() => pool.finishReset !== undefined);
    pool.change('3', { reason: 'QR not scanned' });
    pool.emit({ type: 'state', id: '3', state: 'FAILED', reason: 'QR not scanned', at: 'now' });
    const outcome = await result;
    expect(outcome.outcome).toBe('failed');
    expect(outcome.reason).toBe('QR not scanned');
  });

  it('attaches to a running reset', async () => {
    pool.change('3', { busy: true, state: 'QR', qr: 'ref-running' });
    const result = watch({ timeoutMs: 300 });
    const outcome = await result;
    expect(outcome.joined).toBe(true);
    expect(notes[0]).toContain('attached');
    expect(shown[1]).toMatchObject({ type: 'qr', qr: 'ref-running' });
  });

  it('interrupt stops watching only', async () => {
    const controller = new AbortController();
    const result = watch({ signal: controller.signal });
    await waitFor(() => pool.finishReset !== undefined);
    controller.abort();
    const outcome = await result;
    expect(outcome.outcome).toBe('interrupted');
    expect(pool.get('3')?.busy).toBe(true);
  });
});

describe('control socket file', () => {
  it('stale socket is replaced', async () => {
    const socketPath = path.join(tempFolder(), 'stale.sock');
    await leaveStaleSocket(socketPath);
    expect(statSync(socketPath).isSocket()).toBe(true);

    const server = await startControlServer({ pool: new FakePool(['1']), socketPath });
    const health = await new ControlClient({ socketPath }).health();
    expect(health.alive).toBe(true);
    await server.close();
  });

  it('live socket is rejected', async () => {
    const socketPath = path.join(tempFolder(), 'live.sock');
    const first = await startControlServer({ pool: new FakePool(['1']), socketPath });
    const error = await startControlServer({ pool: new FakePool(['1']), socketPath }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(WrError);
    expect((error as WrError).code).toBe('CONTROL_SOCKET_IN_USE');
    expect((error as WrError).message).toContain(socketPath);
    expect((error as WrError).hint).toContain('wr serve');
    expect((await new ControlClient({ socketPath }).health()).alive).toBe(true);
    await first.close();
  });

  it('regular file at socket path is kept', async () => {
    const socketPath = path.join(tempFolder(), 'file.sock');
    writeFileSync(socketPath, 'not a socket');
    const error = await startControlServer({ pool: new FakePool(['1']), socketPath }).catch(
      (caught: unknown) => caught,
    );
    expect((error as WrError).code).toBe('CONTROL_SOCKET_PATH');
    expect(statSync(socketPath).isFile()).toBe(true);
  });

  it('missing host is unreachable with hint', async () => {
    const socketPath = path.join(tempFolder(), 'none.sock');
    const error = await new ControlClient({ socketPath }).list().catch((caught) => caught);
    expect((error as WrError).code).toBe('CONTROL_UNREACHABLE');
    expect((error as WrError).message).toContain(socketPath);
    expect((error as WrError).hint).toContain('wr serve');
  });
});

describe('control tcp listener', () => {
  let server: ControlServer;
  let port: number;

  beforeEach(async () => {
    const socketPath = path.join(tempFolder(), 'tcp.sock');
    const tcp = { host: '127.0.0.1', port: 0, token: 's3cret-token' };
    server = await startControlServer({ pool: new FakePool(['3']), socketPath, tcp });
    port = server.tcpAddress?.port as number;
  });
  afterEach(() => server.close());

  it('missing token is 401', async () => {
    const response = await rawRequest(port, { method: 'GET', path: '/v1/health' });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
  });

  it('wrong token is 401', async () => {
    const headers = { authorization: 'Bearer s3cret-tokem' };
    const response = await rawRequest(port, { method: 'GET', path: '/v1/health', headers });
    expect(response.status).toBe(401);
  });

  it('right token is accepted', async () => {
    const client = new ControlClient({ url: `http://127.0.0.1:${port}`, token: 's3cret-token' });
    expect((await client.list()).map((connection) => connection.id)).toEqual(['3']);
  });

  it('client reports 401 with hint', async () => {
    const client = new ControlClient({ url: `http://127.0.0.1:${port}`, token: 'wrong' });
    const error = await client.list().catch((caught: unknown) => caught);
    expect((error as WrError).code).toBe('UNAUTHORIZED');
    expect((error as WrError).hint).toContain('control.token');
  });
});

/** Starts a process listening on `socketPath` and kills it with SIGKILL, as a crashed host. */
async function leaveStaleSocket(socketPath: string): Promise<void> {
  const script = `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('up'))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function rawUnixRequest(socketPath: string, method: string, requestPath: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const socket = net.connect({ path: socketPath });
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body });
    });
    socket.write(`${method} ${requestPath} HTTP/1.1\r\nHost: control\r\nConnection: close\r\n\r\n`);
  });
}
