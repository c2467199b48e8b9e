import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lockPath, processStartTime } from '../../src/restart/lock.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { runWr } from '../harness/cli.js';
import {
  createServiceContainer,
  dockerClient,
  removeProject,
  requireDockerHost,
  uniqueProject,
} from '../harness/compose.js';

const image = 'wr-test-busybox:restart-cli';

describe('wr restart binary', () => {
  let host: string;
  let folder: string;
  let env: NodeJS.ProcessEnv;
  let backendId: string;
  const project = uniqueProject('wr-restart-cli');
  const lockDir = () => path.join(folder, 'locks');
  const startedAt = async () =>
    (await dockerClient(host).getContainer(backendId).inspect()).State.StartedAt;

  beforeAll(async () => {
    host = await requireDockerHost();
    folder = await mkdtemp('/tmp/wr-restart-cli-');
    const config = {
      project,
      docker: { host },
      control: { socket: path.join(folder, 'control.sock') },
    };
    await writeFile(path.join(folder, 'wr.config.json'), JSON.stringify(config));
    env = { WR_CONFIG: path.join(folder, 'wr.config.json'), WR_LOCK_DIR: lockDir() };
    await buildBusyboxImage(host, { tag: image });
    await createServiceContainer(host, { project, service: 'db', image, init: true });
    backendId = await createServiceContainer(host, {
      project,
      service: 'backend',
      image,
      init: true,
      dependsOn: ['db'],
    });
  });

  afterAll(async () => {
    await removeProject(host, project);
    await rm(folder, { recursive: true, force: true });
  });

  test('json prints plan, steps, then result', async () => {
    const run = await runWr(['restart', '--all', '--json', '--stop-timeout', '1s'], { env });
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; at?: string; status?: string });

    expect(run.exitCode, run.stderr).toBe(0);
    expect(lines[0]?.type).toBe('plan');
    expect(lines.at(-1)?.type).toBe('result');
    expect(lines.at(-1)?.status).toBe('ok');
    const steps = lines.filter((line) => line.type === 'step');
    expect(steps).toHaveLength(8);
    expect(steps.every((step) => !Number.isNaN(Date.parse(step.at ?? '')))).toBe(true);
  });

  test('dry run prints plan and changes nothing', async () => {
    const before = await startedAt();
    const run = await runWr(['restart', '--all', '--dry-run'], { env });

    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('dry run: nothing was changed');
    expect(run.stdout).toContain('stop order:  backend, db');
    expect(run.stdout).toContain('start order: db, backend');
    expect(await startedAt()).toBe(before);
  });

  test('second restart exits at once naming holder', async () => {
    const holder: ChildProcess = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = holder.pid as number;
      const owner = {
        pid,
        startedAt: '2026-12-01T04:30:00.000Z',
        processStart: processStartTime('/proc', pid),
      };
      await mkdir(lockDir(), { recursive: true });
      await writeFile(lockPath(lockDir(), project), JSON.stringify(owner));
      const began = Date.now();
      const run = await runWr(['restart', '--all'], { env });

      expect(run.exitCode).toBe(1);
      expect(Date.now() - began).toBeLessThan(10_000);
      expect(run.stderr).toContain(`pid ${pid}, started 2026-12-01T04:30:00.000Z`);
    } finally {
      holder.kill('SIGKILL');
      await rm(lockPath(lockDir(), project), { force: true });
    }
  });

  test('uptime condition not holding exits 0', async () => {
    const run = await runWr(['restart', '--all', '--if-uptime-over', '3d'], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(`not restarting compose project ${project}`);
    expect(run.stdout).toContain('not over 3d');
  });

  test('restart without services exits 2', async () => {
    const run = await runWr(['restart'], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('name the services to restart, or pass --all');
  });

  test('unknown service exits 2', async () => {
    const run = await runWr(['restart', 'nope'], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('its services: backend, db');
  });

  test('print schedule names the conditional restart', async () => {
    const run = await runWr(['restart', '--print-schedule'], { env });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^30 4 \* \* \* .*restart --all --if-uptime-over 3d/m);
    expect(run.stdout).toContain('OnCalendar=*-*-* 04:30:00');
    expect(run.stdout).toContain(`--project ${project}`);
  });

  test('interrupt finishes the containers first', async () => {
    const stubborn = await createServiceContainer(host, {
      project,
      service: 'stubborn',
      image,
      command: ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'],
    });
    try {
      const run = await runWr(['restart', '--all', '--stop-timeout', '2s'], {
        env,
        signalAfterMs: 1_500,
      });

      expect(run.exitCode).toBe(130);
      expect(run.stderr).toContain('interrupted: a restart of the containers that has begun');
      expect(run.stderr).toMatch(/│ stubborn +│ killed 2s/);
      for (const id of [stubborn, backendId]) {
        const inspect = await dockerClient(host).getContainer(id).inspect();
        expect(inspect.State.Running, inspect.Name).toBe(true);
      }
    } finally {
      await dockerClient(host).getContainer(stubborn).remove({ force: true });
    }
  });

  test('unreachable engine exits 1 naming host', async () => {
    const absent = `unix://${folder}/absent.sock`;
    const run = await runWr(['restart', '--all', '--docker-host', absent], { env });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`Docker engine at ${absent} is unreachable`);
  });
});
