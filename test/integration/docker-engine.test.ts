import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDockerEngine } from '../../src/docker/engine.js';
import type { DockerEngine } from '../../src/docker/types.js';
import { WrError } from '../../src/errors.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import {
  createServiceContainer,
  removeProject,
  requireDockerHost,
  stopContainers,
  uniqueProject,
} from '../harness/compose.js';

const image = 'wr-test-busybox:engine';
const memoryLimit = 64 * 1024 * 1024;

describe('docker engine against a private dockerd', () => {
  let host: string;
  let engine: DockerEngine;
  let folder: string;
  const project = uniqueProject('wr-engine');
  const other = uniqueProject('wr-engine-other');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    host = await requireDockerHost();
    engine = createDockerEngine(host);
    folder = await mkdtemp('/tmp/wr-A-engine-');
    await buildBusyboxImage(host, { tag: image });
    ids.backend = await createServiceContainer(host, {
      project,
      service: 'backend',
      image,
      hostname: 'backend-host',
      init: true,
      binds: [`${folder}:/usr/src/app/public`],
      healthcheck: { test: ['true'], intervalMs: 200 },
      memoryLimitBytes: memoryLimit,
    });
    ids.worker = await createServiceContainer(host, {
      project,
      service: 'worker',
      image,
      init: true,
    });
    await stopContainers(host, [ids.worker]);
    ids.other = await createServiceContainer(host, {
      project: other,
      service: 'backend',
      image,
      init: true,
    });
  });

  afterAll(async () => {
    await removeProject(host, project);
    await removeProject(host, other);
    await rm(folder, { recursive: true, force: true });
  });

  test('version names engine and API', async () => {
    const version = await engine.version();
    expect(version.version).toMatch(/^\d+\.\d+/);
    expect(version.apiVersion).toMatch(/^1\.\d+$/);
  });

  test('listing returns only the project', async () => {
    const containers = await engine.listProjectContainers(project);
    expect(containers.map((container) => container.service)).toEqual(['backend', 'worker']);
  });

  test('listing maps inspect fields', async () => {
    const [backend, worker] = await engine.listProjectContainers(project);
    expect(backend?.id).toBe(ids.backend);
    expect(backend?.name).toBe(`${project}-backend-1`);
    expect(backend?.state).toBe('running');
    expect(backend?.startedAt).toBeInstanceOf(Date);
    expect(backend?.restartCount).toBe(0);
    expect(backend?.pid).toBeGreaterThan(1);
    expect(backend?.hostname).toBe('backend-host');
    expect(backend?.init).toBe(true);
    expect(backend?.memoryLimitBytes).toBe(memoryLimit);
    expect(backend?.labels['com.docker.compose.project']).toBe(project);
    expect(backend?.mounts).toEqual([
      { source: folder, destination: '/usr/src/app/public', type: 'bind', readOnly: false },
    ]);
    expect(worker?.state).toBe('exited');
    expect(worker?.pid).toBeNull();
    expect(worker?.memoryLimitBytes).toBeNull();
    expect(worker?.health).toBeNull();
  });

  test('memory of running container', async () => {
    const memory = await engine.containerMemory(ids.backend as string);
    expect(memory?.usageBytes).toBeGreaterThan(0);
    expect(memory?.limitBytes).toBe(memoryLimit);
  });

  test('memory of stopped container is null', async () => {
    expect(await engine.containerMemory(ids.worker as string)).toBeNull();
  });

  test('exec returns stdout and exit code', async () => {
    const result = await engine.exec(ids.backend as string, [
      'sh',
      '-c',
      'echo out; echo err >&2; echo more; exit 3',
    ]);
    expect(result.stdout).toBe('out\nmore\n');
    expect(result.exitCode).toBe(3);
  });

  test('runningHostnames maps running containers', async () => {
    const hostnames = await engine.runningHostnames();
    expect(hostnames.get('backend-host')?.id).toBe(ids.backend);
    const workerIds = [...hostnames.values()].map((container) => container.id);
    expect(workerIds).not.toContain(ids.worker);
  });
});

describe('docker engine unreachable', () => {
  let folder: string;
  let silent: net.Server;
  let silentHost: string;

  beforeAll(async () => {
    folder = await mkdtemp('/tmp/wr-A-unreachable-');
    const socketPath = path.join(folder, 'silent.sock');
    // Reads requests and never responds, like a hung engine. Reading lets the
    // server see the client close, so close() below can finish.
    silent = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(socketPath, resolve));
    silentHost = `unix://${socketPath}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => silent.close(resolve));
    await rm(folder, { recursive: true, force: true });
  });

  test('missing socket fails fast with hint', async () => {
    const host = `unix://${folder}/missing/docker.sock`;
    const started = performance.now();
    const error = await createDockerEngine(host)
      .version()
      .catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(WrError);
    expect((error as WrError).code).toBe('DOCKER_UNREACHABLE');
    expect((error as WrError).message).toBe(
      `Docker engine at ${host} is unreachable: the socket does not exist (ENOENT)`,
    );
    expect((error as WrError).hint).toContain('docker.host');
    expect((error as WrError).hint).toContain('DOCKER_HOST');
    expect((error as WrError).hint).toContain('systemctl start docker');
  });

  test('refused TCP port is unreachable', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const error = await createDockerEngine(`tcp://127.0.0.1:${port}`)
      .listProjectContainers('x')
      .catch((caught: unknown) => caught);
    expect((error as WrError).code).toBe('DOCKER_UNREACHABLE');
    expect((error as WrError).message).toContain('connection refused (ECONNREFUSED)');
  });

  test('silent engine times out', async () => {
    const started = performance.now();
    const error = await createDockerEngine(silentHost, { timeoutMs: 300 })
      .version()
      .catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(2000);
    expect((error as WrError).code).toBe('DOCKER_UNREACHABLE');
    expect((error as WrError).message).toBe(
      `Docker engine at ${silentHost} is unreachable: version request timed out after 300 ms`,
    );
  });

  test('abort signal ends a call', async () => {
    const controller = new AbortController();
    const reason = new Error('check timed out');
    setTimeout(() => controller.abort(reason), 100);
    const error = await createDockerEngine(silentHost, { timeoutMs: 10_000 })
      .listProjectContainers('x', { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(error).toBe(reason);
  });
});
