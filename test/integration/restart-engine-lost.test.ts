import { readFile, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDockerEngine } from '../../src/docker/engine.js';
import { restartProject } from '../../src/restart/restart.js';
import type { StepEvent } from '../../src/restart/steps.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { ping, startDockerd, type PrivateDockerd } from '../harness/dockerd.js';
import { createServiceContainer } from '../harness/compose.js';

const image = 'wr-test-busybox:restart-engine-lost';
const project = 'wr-restart-lost';

describe('restart when the engine stops half-way', () => {
  let dockerd: PrivateDockerd;
  let lockDir: string;

  beforeAll(async () => {
    // A daemon of its own, since this test stops it.
    dockerd = await startDockerd();
    lockDir = await mkdtemp('/tmp/wr-restart-lost-');
    await buildBusyboxImage(dockerd.host, { tag: image });
    await createServiceContainer(dockerd.host, { project, service: 'db', image, init: true });
    await createServiceContainer(dockerd.host, {
      project,
      service: 'backend',
      image,
      dependsOn: ['db'],
      command: ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'],
    });
  });

  afterAll(async () => {
    await dockerd?.stop();
    await rm(lockDir, { recursive: true, force: true });
  });

  test('restart reports engine lost and what was not started', async () => {
    const daemonPid = Number(
      (await readFile(path.join(dockerd.root, 'docker.pid'), 'utf8')).trim(),
    );
    const steps: StepEvent[] = [];
    const result = await restartProject(
      {
        project,
        services: null,
        backendService: 'backend',
        stopTimeoutMs: 3_000,
        startTimeoutMs: 10_000,
        syncTimeoutMs: null,
        dryRun: false,
        ifUptimeOverMs: null,
        ifMemoryOverPercent: null,
        lockDir,
      },
      {
        engine: createDockerEngine(dockerd.host),
        control: null,
        procRoot: '/proc',
        env: process.env,
        now: () => new Date(),
        signal: new AbortController().signal,
        emit: (event) => {
          if (event.type !== 'step') return;
          steps.push(event);
          // While backend waits out its stop timeout, the engine dies. SIGKILL,
          // because on SIGTERM dockerd keeps serving while it stops containers.
          if (event.container.endsWith('backend-1') && event.status === 'began') {
            setTimeout(() => process.kill(daemonPid, 'SIGKILL'), 500);
          }
        },
      },
    );

    expect(await ping(dockerd.socketPath)).toBe(false);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('DOCKER_UNREACHABLE');
    expect(result.error?.message).toContain(dockerd.host);
    expect(result.containers.map((outcome) => [outcome.stop, outcome.start])).toEqual([
      ['not-run', 'not-run'],
      ['not-run', 'not-run'],
    ]);
    expect(steps.at(-1)?.status).toBe('began');
    expect(result.next).toContain('start the Docker engine');
    expect(result.next).toContain(`${project}-db-1`);
  });
});
