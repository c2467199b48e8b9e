import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { startControlServer, type ControlServer } from '../../src/control/server.js';
import type { ConnectionSnapshot, PoolControl } from '../../src/core/types.js';
import { createDockerEngine } from '../../src/docker/engine.js';
import { connectionsCheck } from '../../src/health/checks/connections.js';
import type { CheckEnvironment } from '../../src/health/types.js';
import { absentDockerHost } from '../harness/credential-trees.js';
import {
  compileFakeBrowser,
  launchFakeBrowser,
  type FakeBrowser,
} from '../harness/fake-browser.js';
import { connectionSnapshot } from '../harness/fixtures.js';

/** Builds a host that reports fixed snapshots, since the check only reads. */
function staticPool(connections: ConnectionSnapshot[]): PoolControl {
  const find = (id: string) => connections.find((connection) => connection.id === id);
  const unused = () => Promise.reject(new Error('not used by the check'));
  return {
    list: () => connections,
    get: find,
    reset: unused,
    start: unused,
    stop: unused,
    update: unused,
    subscribe: () => () => undefined,
  };
}

function snapshot(id: string, fields: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return connectionSnapshot(id, {
    clientId: `bd_${id}`,
    memory: { pssBytes: 300 * 1024 * 1024, rssBytes: null, processes: 6, unreadable: [] },
    uptimeSeconds: 3600,
    webVersion: '2.3000.1017054665',
    ...fields,
  });
}

describe('connections check', () => {
  let root: string;
  let credentials: string;
  let binary: string;
  let server: ControlServer | undefined;
  const browsers: FakeBrowser[] = [];

  beforeAll(async () => {
    binary = await compileFakeBrowser();
    root = await mkdtemp(path.join(tmpdir(), 'wr-control-check-'));
    credentials = path.join(root, 'auth');
    for (const folder of ['session-bd_3', 'session-bd_7', 'session-bd_old']) {
      await mkdir(path.join(credentials, folder), { recursive: true });
    }
  });
  afterEach(async () => {
    for (const browser of browsers.splice(0)) await browser.stop();
    await server?.close();
    server = undefined;
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(path.dirname(binary), { recursive: true, force: true });
  });

  const socketPath = () => path.join(root, 'control.sock');
  const environment = (connections: string[]): CheckEnvironment => {
    const config = configSchema.parse({
      docker: { host: absentDockerHost },
      clientIdPattern: 'bd_{id}',
      paths: { credentials },
      connections: connections.map((id) => ({ id })),
      control: { socket: socketPath() },
    });
    return {
      config,
      configFile: null,
      docker: () => createDockerEngine(absentDockerHost),
      paths: async () => ({
        public: null,
        credentials: { path: credentials, source: 'config' },
        problems: [],
      }),
      procRoot: '/proc',
      signal: new AbortController().signal,
      now: () => new Date(),
    };
  };
  const launch = async (folder: string) => {
    const browser = await launchFakeBrowser(binary, path.join(credentials, folder));
    browsers.push(browser);
    return browser;
  };
  const serve = async (connections: ConnectionSnapshot[]) => {
    server = await startControlServer({ pool: staticPool(connections), socketPath: socketPath() });
  };

  it('unreachable host warns with remedy', async () => {
    const outcome = await connectionsCheck.run(environment(['3']));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(socketPath());
    expect(outcome.remedy).toContain('wr serve');
  });

  it('healthy host is ok', async () => {
    const own = await launch('session-bd_3');
    await serve([snapshot('3', { browserPid: own.pid })]);
    const outcome = await connectionsCheck.run(environment(['3']));
    expect(outcome.status).toBe('ok');
    expect(outcome.summary).toContain('1 connection: 1 CONNECTED');
    expect(outcome.summary).toContain('browser PSS 300 MiB');
    expect(outcome.summary).toContain('WhatsApp Web 2.3000.1017054665');
    expect(outcome.remedy).toBeNull();
  });

  it('duplicate browser fails', async () => {
    const own = await launch('session-bd_3');
    const extra = await launch('session-bd_3');
    await serve([snapshot('3', { browserPid: own.pid })]);
    const outcome = await connectionsCheck.run(environment(['3']));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(
      `connection 3: 2 browsers on one session folder (extra pids ${extra.pid})`,
    );
    expect(outcome.remedy).toContain(`kill ${extra.pid}`);
  });

  it('orphan browser warns', async () => {
    const own = await launch('session-bd_3');
    const orphan = await launch('session-bd_old');
    await serve([snapshot('3', { browserPid: own.pid })]);
    const outcome = await connectionsCheck.run(environment(['3']));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(`orphan browser pid ${orphan.pid}`);
    expect(outcome.summary).toContain('session-bd_old');
  });

  it('frozen, failed and missing connections', async () => {
    await serve([
      snapshot('3', { missedProbes: 2 }),
      snapshot('7', { state: 'FAILED', reason: 'QR not scanned', memory: null }),
    ]);
    const outcome = await connectionsCheck.run(environment(['3', '7', '9']));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('connection 3: page missed 2 liveness probes');
    expect(outcome.summary).toContain('connection 7 FAILED (QR not scanned)');
    expect(outcome.summary).toContain('configured but not on the host: 9');
    expect(outcome.remedy).toContain('wr connection reset 3');
    expect(outcome.remedy).toContain('wr connection reset 7');
  });
});
