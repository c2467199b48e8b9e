import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createDockerEngine } from '../../src/docker/engine.js';
import { dockerCheck } from '../../src/health/checks/docker.js';
import { ramCheck } from '../../src/health/checks/ram.js';
import { resolvePaths } from '../../src/health/paths.js';
import { runChecks } from '../../src/health/runner.js';
import type { CheckEnvironment } from '../../src/health/types.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { startDelayingProxy } from '../harness/delaying-proxy.js';
import {
  createServiceContainer,
  removeProject,
  requireDockerHost,
  stopContainers,
  uniqueProject,
  waitForContainer,
} from '../harness/compose.js';

const image = 'wr-test-busybox:docker-check';
const day = 86_400_000;

function environment(
  host: string,
  settings: Record<string, unknown>,
  now = () => new Date(),
): CheckEnvironment {
  const config: Config = configSchema.parse({ docker: { host }, ...settings });
  const docker = () => createDockerEngine(host);
  return {
    config,
    configFile: null,
    docker,
    paths: () => resolvePaths(config, docker),
    procRoot: '/proc',
    signal: new AbortController().signal,
    now,
  };
}

describe('docker check', () => {
  let host: string;
  const projects: string[] = [];

  function project(name: string): string {
    const unique = uniqueProject(`wr-check-${name}`);
    projects.push(unique);
    return unique;
  }

  beforeAll(async () => {
    host = await requireDockerHost();
    await buildBusyboxImage(host, { tag: image });
  });

  afterAll(async () => {
    for (const name of projects) await removeProject(host, name);
  });

  test('running project is ok', async () => {
    const name = project('ok');
    await createServiceContainer(host, { project: name, service: 'backend', image, init: true });
    await createServiceContainer(host, { project: name, service: 'frontend', image, init: true });

    const outcome = await dockerCheck.run(environment(host, { project: name }));
    expect(outcome.status).toBe('ok');
    expect(outcome.remedy).toBeNull();
    expect(outcome.summary).toContain(`2 containers of ${name} running`);
    expect(outcome.summary).toMatch(/backend-1 running, up \d+s?.*, 0 restarts, memory \d/);
    expect(outcome.summary).toContain('(host, no limit)');
    const details = outcome.details as { engine: Record<string, string>; containers: unknown[] };
    expect(details.engine.host).toBe(host);
    expect(details.engine.version).toMatch(/^\d+\./);
    expect(details.containers).toHaveLength(2);
  });

  test('stopped container has no memory', async () => {
    const name = project('stopped');
    await createServiceContainer(host, { project: name, service: 'backend', image, init: true });
    const worker = await createServiceContainer(host, {
      project: name,
      service: 'worker',
      image,
      init: true,
    });
    await stopContainers(host, [worker]);

    const outcome = await dockerCheck.run(environment(host, { project: name }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`${name}-worker-1 is not running (exited)`);
    expect(outcome.summary).toContain(`${name}-worker-1 exited, 0 restarts, memory -`);
    expect(outcome.remedy).toBe('wr restart worker');
    const containers = (outcome.details as { containers: Array<Record<string, unknown>> })
      .containers;
    const stopped = containers.find((container) => container.service === 'worker');
    expect(stopped?.memory).toBeNull();
    expect(stopped?.uptimeMs).toBeNull();
  });

  test('unhealthy container fails', async () => {
    const name = project('unhealthy');
    const id = await createServiceContainer(host, {
      project: name,
      service: 'backend',
      image,
      init: true,
      healthcheck: { test: ['false'], intervalMs: 100, retries: 1 },
    });
    await waitForContainer(host, id, (inspect) => inspect.State.Health?.Status === 'unhealthy');

    const outcome = await dockerCheck.run(environment(host, { project: name }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`${name}-backend-1 is unhealthy`);
    expect(outcome.summary).toContain('running (unhealthy)');
    expect(outcome.remedy).toBe('wr restart backend');
  });

  test('restart count warns', async () => {
    const name = project('restarts');
    // Fails on its first run only: the restart policy starts it again in the
    // same container, whose /tmp keeps the marker.
    const id = await createServiceContainer(host, {
      project: name,
      service: 'worker',
      image,
      init: true,
      command: ['sh', '-c', 'test -f /tmp/ran && exec sleep 3600; touch /tmp/ran; exit 1'],
      restart: { name: 'on-failure', maximumRetryCount: 3 },
    });
    await waitForContainer(
      host,
      id,
      (inspect) => inspect.RestartCount === 1 && inspect.State.Status === 'running',
    );

    const outcome = await dockerCheck.run(environment(host, { project: name }));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(`${name}-worker-1 restarted once by its restart policy`);
    expect(outcome.remedy).toBe('wr restart worker');
  });

  test('memory over threshold warns', async () => {
    const name = project('memory');
    await createServiceContainer(host, {
      project: name,
      service: 'worker',
      image,
      init: true,
      memoryLimitBytes: 16 * 1024 * 1024,
    });

    const settings = { project: name, thresholds: { ramPercent: 0.001 } };
    const outcome = await dockerCheck.run(environment(host, settings));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('of its memory limit (over 0.001%)');
    expect(outcome.summary).toContain('of 16.0 MiB');
    expect(outcome.remedy).toBe('wr restart worker');
  });

  test('backend uptime over threshold warns', async () => {
    const name = project('uptime');
    await createServiceContainer(host, { project: name, service: 'backend', image, init: true });
    await createServiceContainer(host, { project: name, service: 'frontend', image, init: true });

    const later = () => new Date(Date.now() + 4 * day);
    const settings = { project: name, thresholds: { uptime: '3d' } };
    const outcome = await dockerCheck.run(environment(host, settings, later));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toMatch(/backend-1 up 4d( \d+s)?, over the 3d uptime threshold/);
    expect(outcome.summary).toContain('a restart every few days is the runbook answer');
    expect(outcome.summary).not.toContain('frontend-1 up 4d');
    expect(outcome.remedy).toBe('wr restart --all');
  });

  test('late stats leave memory not measured', async () => {
    const name = project('late');
    await createServiceContainer(host, {
      project: name,
      service: 'backend',
      image,
      init: true,
    });
    // The proxy forwards stats requests after 3 s, well past the 1 s deadline.
    const slowStats = await startDelayingProxy(host, /^GET \S*\/containers\/[^/]+\/stats/, 3_000);

    const deadline = Date.now() + 1_000;
    const outcome = await dockerCheck
      .run({ ...environment(slowStats.host, { project: name }), deadline })
      .finally(() => slowStats.stop());

    expect(outcome.status).toBe('ok');
    expect(outcome.summary).toContain(`1 container of ${name} running`);
    expect(outcome.summary).toMatch(
      /backend-1 running, up [^,]+, 0 restarts, memory not measured within \d+ ms/,
    );
    const [backend] = (outcome.details as { containers: Array<Record<string, unknown>> })
      .containers;
    expect(backend?.memory).toBeNull();
    expect(backend?.memoryWaitedMs).toBeLessThan(3_000);
  });

  test('one second timeout reports docker and ram', async () => {
    const name = project('second');
    const id = await createServiceContainer(host, {
      project: name,
      service: 'backend',
      image,
      init: true,
    });
    // As above: right after this request, the checks' stats requests wait about 1 s.
    await createDockerEngine(host).containerMemory(id);

    const shared = environment(host, { project: name });
    const results = await runChecks([dockerCheck, ramCheck], shared, { timeoutMs: 1000 });
    for (const result of results) {
      expect(result.details.timedOut, `${result.id}: ${result.summary}`).toBeUndefined();
      expect(result.status, `${result.id}: ${result.summary}`).not.toBe('fail');
      expect(result.summary).toContain('not measured within');
    }
  });

  test('project without containers fails', async () => {
    const name = uniqueProject('wr-check-empty');
    const outcome = await dockerCheck.run(environment(host, { project: name }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(
      `no containers have the label com.docker.compose.project=${name}`,
    );
    expect(outcome.remedy).toContain(`label=com.docker.compose.project=${name}`);
  });

  test('missing project skips', async () => {
    const outcome = await dockerCheck.run(environment(host, {}));
    expect(outcome.status).toBe('skip');
    expect(outcome.remedy).toBe('set project in wr.config.json');
    expect(outcome.summary).toMatch(/^Docker \d+\.\S+ at unix:/);
  });

  test('unreachable engine fails fast', async () => {
    const missing = 'unix:///tmp/wr-A-no-such-folder/docker.sock';
    const started = performance.now();
    const outcome = await dockerCheck.run(environment(missing, { project: 'any' }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `Docker engine at ${missing} is unreachable: the socket does not exist (ENOENT)`,
    );
    expect(outcome.remedy).toContain('systemctl start docker');
    expect(outcome.remedy).toContain('docker.host');
  });
});
