import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDockerEngine } from '../../src/docker/engine.js';
import type { DockerEngine } from '../../src/docker/types.js';
import type { RestartPlan } from '../../src/restart/plan.js';
import { restartProject, type RestartRequest } from '../../src/restart/restart.js';
import type { StepEvent } from '../../src/restart/steps.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import {
  createServiceContainer,
  dockerClient,
  removeProject,
  requireDockerHost,
  stopContainers,
  uniqueProject,
  waitForContainer,
} from '../harness/compose.js';

const image = 'wr-test-busybox:restart-order';

interface EngineEventLine {
  Action: string;
  timeNano: number;
  Actor: { Attributes: { name: string; signal?: string } };
}

/** Collects the engine's container events of `project` until the returned stop is called. */
async function recordEvents(host: string, project: string) {
  const controller = new AbortController();
  const stream = (await dockerClient(host).getEvents({
    filters: { type: ['container'], label: [`com.docker.compose.project=${project}`] },
    abortSignal: controller.signal,
  } as object)) as NodeJS.ReadableStream;
  const events: EngineEventLine[] = [];
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as EngineEventLine);
  });
  stream.on('error', () => undefined);
  return {
    events,
    stop: () => controller.abort(),
    names: (action: string) =>
      events
        .filter((event) => event.Action === action)
        .map((event) => event.Actor.Attributes.name.replace(`${project}-`, '').replace(/-1$/, '')),
  };
}

function request(project: string, lockDir: string, fields: Partial<RestartRequest> = {}) {
  return {
    project,
    services: null,
    backendService: 'api',
    stopTimeoutMs: 1_000,
    startTimeoutMs: 20_000,
    syncTimeoutMs: null,
    dryRun: false,
    ifUptimeOverMs: null,
    ifMemoryOverPercent: null,
    lockDir,
    ...fields,
  };
}

describe('restart order against a private dockerd', () => {
  let host: string;
  let engine: DockerEngine;
  let lockDir: string;
  const project = uniqueProject('wr-restart-order');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    host = await requireDockerHost();
    engine = createDockerEngine(host);
    lockDir = await mkdtemp('/tmp/wr-restart-order-');
    await buildBusyboxImage(host, { tag: image });
    const base = { project, image, init: true };
    const probe = { test: ['true'], intervalMs: 200 };
    ids.db = await createServiceContainer(host, { ...base, service: 'db', healthcheck: probe });
    ids.api = await createServiceContainer(host, { ...base, service: 'api', dependsOn: ['db'] });
    ids.web = await createServiceContainer(host, {
      ...base,
      service: 'web',
      dependsOn: ['db'],
      healthcheck: probe,
    });
    ids.worker = await createServiceContainer(host, {
      ...base,
      service: 'worker',
      dependsOn: ['api', 'web'],
    });
    ids.cron = await createServiceContainer(host, { ...base, service: 'cron', start: false });
    await waitForContainer(host, ids.db, (inspect) => inspect.State.Health?.Status === 'healthy');
  });

  afterAll(async () => {
    await removeProject(host, project);
    await rm(lockDir, { recursive: true, force: true });
  });

  test('restart stops dependants first and starts dependencies first', async () => {
    const recorder = await recordEvents(host, project);
    const emitted: Array<RestartPlan | StepEvent | { type: string }> = [];
    const result = await restartProject(request(project, lockDir), {
      engine,
      control: null,
      procRoot: '/proc',
      env: process.env,
      now: () => new Date(),
      signal: new AbortController().signal,
      emit: (event) => emitted.push(event),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    recorder.stop();

    expect(result.status).toBe('ok');
    expect(result.plan.startOrder).toEqual(['cron', 'db', 'api', 'web', 'worker']);
    expect(recorder.names('die')).toEqual(['worker', 'web', 'api', 'db']);
    expect(recorder.names('start')).toEqual(['cron', 'db', 'api', 'web', 'worker']);
    expect(emitted[0]?.type).toBe('plan');
  });

  test('restart waits for a fresh healthy probe', async () => {
    const recorder = await recordEvents(host, project);
    const steps: StepEvent[] = [];
    await restartProject(request(project, lockDir, { services: ['db'] }), {
      engine,
      control: null,
      procRoot: '/proc',
      env: process.env,
      now: () => new Date(),
      signal: new AbortController().signal,
      emit: (event) => (event.type === 'step' ? steps.push(event) : undefined),
    });
    recorder.stop();
    const started = recorder.events.findIndex((event) => event.Action === 'start');
    const healthy = recorder.events.findIndex((event) =>
      event.Action.startsWith('health_status: healthy'),
    );
    expect(started).toBeGreaterThanOrEqual(0);
    expect(healthy).toBeGreaterThan(started);
    const ready = steps.find((step) => step.action === 'start' && step.status === 'ready');
    const healthyAtMs = (recorder.events[healthy] as EngineEventLine).timeNano / 1e6;
    expect(new Date(ready?.at ?? 0).getTime()).toBeGreaterThanOrEqual(Math.floor(healthyAtMs));
    const inspect = await dockerClient(host)
      .getContainer(ids.db as string)
      .inspect();
    expect(inspect.State.Health?.Status).toBe('healthy');
  });

  test('stopped container is started', async () => {
    await stopContainers(host, [ids.cron as string]);
    const result = await restartProject(request(project, lockDir, { services: ['cron'] }), {
      engine,
      control: null,
      procRoot: '/proc',
      env: process.env,
      now: () => new Date(),
      signal: new AbortController().signal,
      emit: () => undefined,
    });
    const [cron] = result.containers;
    expect(cron?.stop).toBe('not-running');
    expect(cron?.start).toBe('ready');
  });
});
