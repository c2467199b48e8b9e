import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { ControlClient } from '../../src/control/client.js';
import { startControlServer, type ControlServer } from '../../src/control/server.js';
import type { ConnectionSnapshot, ConnectionState, PoolControl } from '../../src/core/types.js';
import { createDockerEngine } from '../../src/docker/engine.js';
import type { DockerEngine } from '../../src/docker/types.js';
import { restartProject, type RestartRequest } from '../../src/restart/restart.js';
import type { SyncProgress } from '../../src/restart/sync.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import {
  createServiceContainer,
  removeProject,
  requireDockerHost,
  uniqueProject,
} from '../harness/compose.js';
import { connectionSnapshot } from '../harness/fixtures.js';

const image = 'wr-test-busybox:restart-sync';

/** Connections whose states follow a script of [milliseconds after start, id, state]. */
function scriptedPool(script: Array<[number, string, ConnectionState]>): PoolControl {
  const began = Date.now();
  const list = () => {
    const states = new Map<string, ConnectionState>();
    for (const [atMs, id, state] of script) {
      if (Date.now() - began >= atMs) states.set(id, state);
    }
    return [...states].map(([id, state]) => snapshot(id, state));
  };
  const unsupported = () => Promise.reject(new Error('not used by the sync wait'));
  return {
    list,
    get: (id) => list().find((connection) => connection.id === id),
    reset: unsupported,
    start: unsupported,
    stop: unsupported,
    update: unsupported,
    subscribe: () => () => undefined,
  };
}

function snapshot(id: string, state: ConnectionState): ConnectionSnapshot {
  return connectionSnapshot(id, { state, qr: state === 'QR' ? 'qr-text' : null });
}

describe('restart sync wait', () => {
  let host: string;
  let engine: DockerEngine;
  let folder: string;
  let server: ControlServer | undefined;
  const project = uniqueProject('wr-restart-sync');

  const request = (syncTimeoutMs: number | null): RestartRequest => ({
    project,
    services: null,
    backendService: 'backend',
    stopTimeoutMs: 1_000,
    startTimeoutMs: 20_000,
    syncTimeoutMs,
    dryRun: false,
    ifUptimeOverMs: null,
    ifMemoryOverPercent: null,
    lockDir: folder,
  });

  async function restartWith(
    pool: PoolControl | null,
    syncTimeoutMs: number | null,
    interrupt?: AbortController,
  ) {
    const socketPath = path.join(folder, 'control.sock');
    if (pool) server = await startControlServer({ pool, socketPath });
    const progress: SyncProgress[] = [];
    const result = await restartProject(request(syncTimeoutMs), {
      engine,
      control: new ControlClient({ socketPath }),
      procRoot: '/proc',
      env: process.env,
      now: () => new Date(),
      signal: interrupt?.signal ?? new AbortController().signal,
      emit: (event) => {
        if (event.type !== 'sync') return;
        progress.push(event);
        interrupt?.abort();
      },
      syncIntervalMs: 100,
    });
    return { result, progress };
  }

  beforeAll(async () => {
    host = await requireDockerHost();
    engine = createDockerEngine(host);
    folder = await mkdtemp('/tmp/wr-restart-sync-');
    await buildBusyboxImage(host, { tag: image });
    await createServiceContainer(host, { project, service: 'backend', image, init: true });
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  afterAll(async () => {
    await removeProject(host, project);
    await rm(folder, { recursive: true, force: true });
  });

  test('sync waits until every connection is connected', async () => {
    const pool = scriptedPool([
      [0, '1', 'SYNCING'],
      [0, '2', 'STARTING'],
      [1_500, '1', 'CONNECTED'],
      [2_500, '2', 'CONNECTED'],
    ]);
    const { result, progress } = await restartWith(pool, 20_000);

    expect(result.status).toBe('ok');
    expect(result.sync).toMatchObject({ status: 'synced', connected: 2, total: 2 });
    expect(progress.some((entry) => entry.connected === 1 && entry.total === 2)).toBe(true);
    expect(progress.at(-1)?.connected).toBe(2);
  });

  test('sync names connection waiting for QR', async () => {
    const pool = scriptedPool([
      [0, '1', 'CONNECTED'],
      [0, '2', 'QR'],
    ]);
    const { result } = await restartWith(pool, 20_000);

    expect(result.status).toBe('failed');
    expect(result.sync).toMatchObject({ status: 'settled', connected: 1, total: 2 });
    expect(result.next).toBe('wr connection reset 2');
  });

  test('sync times out', async () => {
    const pool = scriptedPool([[0, '1', 'SYNCING']]);
    const { result } = await restartWith(pool, 600);

    expect(result.status).toBe('failed');
    expect(result.sync).toMatchObject({ status: 'timeout', connected: 0, total: 1 });
    expect(result.next).toContain('wr connection list');
  });

  test('sync ends on interrupt', async () => {
    const pool = scriptedPool([[0, '1', 'SYNCING']]);
    const controller = new AbortController();
    const began = Date.now();
    // Ctrl-C once the first sync progress is out.
    const { result } = await restartWith(pool, 20_000, controller);

    expect(Date.now() - began).toBeLessThan(10_000);
    expect(result.sync).toMatchObject({ status: 'interrupted', connected: 0, total: 1 });
    expect(result.containers[0]?.start).toBe('ready');
  });

  test('sync skipped without control API', async () => {
    const { result } = await restartWith(null, 20_000);

    expect(result.status).toBe('ok');
    expect(result.sync?.status).toBe('skipped');
    expect(result.sync).toHaveProperty('reason');
    expect((result.sync as { reason: string }).reason).toContain('control API did not respond');
  });

  test('sync skipped with no wait', async () => {
    const pool = scriptedPool([[0, '1', 'SYNCING']]);
    const { result } = await restartWith(pool, null);

    expect(result.sync?.status).toBe('skipped');
    expect((result.sync as { reason: string }).reason).toContain('--no-wait');
  });
});
