import { mkdtemp, rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDockerEngine } from '../../src/docker/engine.js';
import type { DockerEngine } from '../../src/docker/types.js';
import { WrError } from '../../src/errors.js';
import { restartProject, type RestartRequest } from '../../src/restart/restart.js';
import type { StepEvent } from '../../src/restart/steps.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import {
  createServiceContainer,
  dockerClient,
  removeProject,
  requireDockerHost,
  uniqueProject,
} from '../harness/compose.js';

const image = 'wr-test-busybox:restart-failures';
const ignoreTerm = ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'];

function request(project: string, lockDir: string, fields: Partial<RestartRequest> = {}) {
  return {
    project,
    services: null,
    backendService: 'backend',
    stopTimeoutMs: 1_000,
    startTimeoutMs: 30_000,
    syncTimeoutMs: null,
    dryRun: false,
    ifUptimeOverMs: null,
    ifMemoryOverPercent: null,
    lockDir,
    ...fields,
  };
}

function dependencies(engine: DockerEngine, steps: StepEvent[] = []) {
  return {
    engine,
    control: null,
    procRoot: '/proc',
    env: process.env,
    now: () => new Date(),
    signal: new AbortController().signal,
    emit: (event: { type: string }) => {
      if (event.type === 'step') steps.push(event as StepEvent);
    },
  };
}

async function caught(promise: Promise<unknown>): Promise<WrError> {
  try {
    await promise;
  } catch (error) {
    return error as WrError;
  }
  throw new Error('expected the restart to throw');
}

describe('restart failures against a private dockerd', () => {
  let host: string;
  let engine: DockerEngine;
  let lockDir: string;
  const projects: string[] = [];
  const project = (prefix: string) => {
    const name = uniqueProject(prefix);
    projects.push(name);
    return name;
  };

  beforeAll(async () => {
    host = await requireDockerHost();
    engine = createDockerEngine(host);
    lockDir = await mkdtemp('/tmp/wr-restart-failures-');
    await buildBusyboxImage(host, { tag: image });
  });

  afterAll(async () => {
    for (const name of projects) await removeProject(host, name);
    await rm(lockDir, { recursive: true, force: true });
  });

  test('restart kills container ignoring SIGTERM', async () => {
    const name = project('wr-restart-term');
    const id = await createServiceContainer(host, {
      project: name,
      service: 'stubborn',
      image,
      command: ignoreTerm,
    });
    const steps: StepEvent[] = [];
    const result = await restartProject(request(name, lockDir), dependencies(engine, steps));

    const [outcome] = result.containers;
    expect(outcome?.stop).toBe('killed');
    expect(outcome?.stopMs).toBeGreaterThanOrEqual(1_000);
    expect(outcome?.start).toBe('ready');
    expect(steps.map((step) => `${step.action} ${step.status}`)).toEqual([
      'stop began',
      'stop killing',
      'stop killed',
      'start began',
      'start ready',
    ]);
    const inspect = await dockerClient(host).getContainer(id).inspect();
    expect(inspect.State.Running).toBe(true);
  });

  test('restart fails fast on unhealthy and skips dependants', async () => {
    const name = project('wr-restart-unhealthy');
    await createServiceContainer(host, {
      project: name,
      service: 'db',
      image,
      init: true,
      command: ['sh', '-c', 'echo db-log-marker; sleep 3600'],
      healthcheck: { test: ['false'], intervalMs: 200, retries: 1 },
    });
    await createServiceContainer(host, {
      project: name,
      service: 'backend',
      image,
      init: true,
      dependsOn: ['db'],
    });
    await createServiceContainer(host, { project: name, service: 'solo', image, init: true });
    const began = Date.now();
    const result = await restartProject(request(name, lockDir), dependencies(engine));

    expect(Date.now() - began).toBeLessThan(15_000);
    expect(result.status).toBe('failed');
    const byService = new Map(result.containers.map((outcome) => [outcome.service, outcome]));
    expect(byService.get('db')?.start).toBe('failed');
    expect(byService.get('db')?.detail).toContain('healthcheck failed');
    expect(byService.get('db')?.logs).toContain('db-log-marker');
    expect(byService.get('backend')?.start).toBe('skipped');
    expect(byService.get('backend')?.detail).toContain('db');
    expect(byService.get('solo')?.start).toBe('ready');
    expect(result.next).toContain(`docker logs ${name}-db-1`);
  });

  test('restart reports service that never starts', async () => {
    const name = project('wr-restart-never');
    await createServiceContainer(host, {
      project: name,
      service: 'broken',
      image,
      command: ['/bin/no-such-program'],
      start: false,
    });
    const result = await restartProject(request(name, lockDir), dependencies(engine));

    const [outcome] = result.containers;
    expect(result.status).toBe('failed');
    expect(outcome?.stop).toBe('not-running');
    expect(outcome?.start).toBe('failed');
    expect(outcome?.detail).toContain('no-such-program');
  });

  test('restart reports container exiting during wait', async () => {
    const name = project('wr-restart-exit');
    await createServiceContainer(host, {
      project: name,
      service: 'crash',
      image,
      command: ['sh', '-c', 'echo crash-log-marker; sleep 0.5; exit 3'],
      healthcheck: { test: ['true'], intervalMs: 10_000, startPeriodMs: 10_000 },
    });
    const began = Date.now();
    const result = await restartProject(request(name, lockDir), dependencies(engine));

    const [outcome] = result.containers;
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(outcome?.start).toBe('failed');
    expect(outcome?.detail).toContain('exit code 3');
    expect(outcome?.logs).toContain('crash-log-marker');
  });

  test('restart reports container restarting during wait', async () => {
    const name = project('wr-restart-loop');
    await createServiceContainer(host, {
      project: name,
      service: 'loop',
      image,
      command: ['sh', '-c', 'sleep 0.3; exit 1'],
      restart: { name: 'always' },
      healthcheck: { test: ['true'], intervalMs: 10_000, startPeriodMs: 10_000 },
    });
    const began = Date.now();
    const result = await restartProject(request(name, lockDir), dependencies(engine));

    const [outcome] = result.containers;
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(outcome?.start).toBe('failed');
    expect(outcome?.detail).toMatch(/restart|exit/);
  });

  test('restart rejects dependency cycle and changes nothing', async () => {
    const name = project('wr-restart-cycle');
    const first = await createServiceContainer(host, {
      project: name,
      service: 'alpha',
      image,
      init: true,
      dependsOn: ['beta'],
    });
    await createServiceContainer(host, {
      project: name,
      service: 'beta',
      image,
      init: true,
      dependsOn: ['alpha'],
    });
    const before = await dockerClient(host).getContainer(first).inspect();
    const error = await caught(restartProject(request(name, lockDir), dependencies(engine)));

    expect(error).toBeInstanceOf(WrError);
    expect(error.code).toBe('RESTART_CYCLE');
    expect(error.message).toContain('alpha -> beta -> alpha');
    const after = await dockerClient(host).getContainer(first).inspect();
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
  });

  test('restart reports unreachable engine', async () => {
    const absent = `unix://${lockDir}/absent/docker.sock`;
    const error = await caught(
      restartProject(request('shop', lockDir), dependencies(createDockerEngine(absent))),
    );
    expect(error.code).toBe('DOCKER_UNREACHABLE');
    expect(error.message).toContain(absent);
  });
});
