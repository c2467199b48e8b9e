import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDockerEngine } from '../../src/docker/engine.js';
import type { DockerEngine } from '../../src/docker/types.js';
import { restartProject, type RestartRequest } from '../../src/restart/restart.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import {
  createServiceContainer,
  dockerClient,
  removeProject,
  requireDockerHost,
  uniqueProject,
} from '../harness/compose.js';

const image = 'wr-test-busybox:restart-conditions';
const hour = 3_600_000;

describe('restart conditions against a private dockerd', () => {
  let host: string;
  let engine: DockerEngine;
  let folder: string;
  let procRoot: string;
  let backendId: string;
  const project = uniqueProject('wr-restart-if');

  const request = (fields: Partial<RestartRequest>): RestartRequest => ({
    project,
    services: null,
    backendService: 'backend',
    stopTimeoutMs: 1_000,
    startTimeoutMs: 20_000,
    syncTimeoutMs: null,
    dryRun: false,
    ifUptimeOverMs: null,
    ifMemoryOverPercent: null,
    lockDir: folder,
    ...fields,
  });
  const dependencies = () => ({
    engine,
    control: null,
    procRoot,
    env: process.env,
    now: () => new Date(),
    signal: new AbortController().signal,
    emit: () => undefined,
  });
  const startedAt = async () =>
    (await dockerClient(host).getContainer(backendId).inspect()).State.StartedAt;

  beforeAll(async () => {
    host = await requireDockerHost();
    engine = createDockerEngine(host);
    folder = await mkdtemp('/tmp/wr-restart-if-');
    // A proc root holding only meminfo: 90% of 1 GiB in use.
    procRoot = path.join(folder, 'proc');
    await mkdir(procRoot);
    await writeFile(
      path.join(procRoot, 'meminfo'),
      'MemTotal:        1048576 kB\nMemFree:           10000 kB\nMemAvailable:     104858 kB\n',
    );
    await buildBusyboxImage(host, { tag: image });
    backendId = await createServiceContainer(host, {
      project,
      service: 'backend',
      image,
      init: true,
    });
  });

  afterAll(async () => {
    await removeProject(host, project);
    await rm(folder, { recursive: true, force: true });
  });

  test('uptime under threshold skips restart', async () => {
    const before = await startedAt();
    const result = await restartProject(request({ ifUptimeOverMs: hour }), dependencies());

    expect(result.status).toBe('skipped');
    expect(result.reason).toMatch(/backend up \S+.*, not over 1h/);
    expect(result.containers).toEqual([]);
    expect(await startedAt()).toBe(before);
  });

  test('uptime over threshold restarts', async () => {
    const before = await startedAt();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await restartProject(request({ ifUptimeOverMs: 10 }), dependencies());

    expect(result.status).toBe('ok');
    expect(result.conditions[0]?.holds).toBe(true);
    expect(await startedAt()).not.toBe(before);
  });

  test('memory under threshold skips restart', async () => {
    const before = await startedAt();
    const result = await restartProject(request({ ifMemoryOverPercent: 95 }), dependencies());

    expect(result.status).toBe('skipped');
    expect(result.reason).toContain('host memory 90% in use');
    expect(result.reason).toContain('not over 95%');
    expect(await startedAt()).toBe(before);
  });

  test('memory over threshold restarts', async () => {
    const before = await startedAt();
    const result = await restartProject(request({ ifMemoryOverPercent: 85 }), dependencies());

    expect(result.status).toBe('ok');
    expect(result.conditions[0]?.summary).toContain('over 85%');
    expect(await startedAt()).not.toBe(before);
  });

  test('either condition holding restarts', async () => {
    const result = await restartProject(
      request({ ifUptimeOverMs: hour, ifMemoryOverPercent: 85 }),
      dependencies(),
    );
    expect(result.status).toBe('ok');
    expect(result.conditions.map((condition) => condition.holds)).toEqual([false, true]);
  });

  test('dry run changes nothing', async () => {
    const before = await startedAt();
    const result = await restartProject(request({ dryRun: true }), dependencies());

    expect(result.status).toBe('dry-run');
    expect(result.plan.startOrder).toEqual(['backend']);
    expect(await startedAt()).toBe(before);
  });
});
