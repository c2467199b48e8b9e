import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createDockerEngine } from '../../src/docker/engine.js';
import { failBelowAvailablePercent, ramCheck } from '../../src/health/checks/ram.js';
import { resolvePaths } from '../../src/health/paths.js';
import type { CheckEnvironment } from '../../src/health/types.js';
import { parseMeminfo, readHostMemory } from '../../src/host/meminfo.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import {
  createServiceContainer,
  removeProject,
  requireDockerHost,
  uniqueProject,
} from '../harness/compose.js';

const image = 'wr-test-busybox:ram-check';
const kib = 1024;
const gib = 1024 ** 3;
const missingEngine = 'unix:///tmp/wr-A-no-such-folder/docker.sock';

function environment(
  procRoot: string,
  settings: Record<string, unknown>,
  host = missingEngine,
): CheckEnvironment {
  const config = configSchema.parse({ docker: { host }, ...settings });
  const docker = () => createDockerEngine(host);
  return {
    config,
    configFile: null,
    docker,
    paths: () => resolvePaths(config, docker),
    procRoot,
    signal: new AbortController().signal,
    now: () => new Date(),
  };
}

/** Writes `<folder>/<name>/meminfo` with the given fields in kB and returns its proc root. */
async function fixture(folder: string, name: string, fields: Record<string, number>) {
  const root = path.join(folder, name);
  const lines = Object.entries(fields).map(
    ([key, bytes]) => `${key}:  ${Math.round(bytes / kib)} kB`,
  );
  await mkdir(root, { recursive: true });
  await writeFile(path.join(root, 'meminfo'), `${lines.join('\n')}\nHugePages_Total:       0\n`);
  return root;
}

describe('ram check', () => {
  let folder: string;
  let host: string;
  const project = uniqueProject('wr-ram');

  beforeAll(async () => {
    folder = await mkdtemp('/tmp/wr-A-ram-');
    host = await requireDockerHost();
    await buildBusyboxImage(host, { tag: image });
    await createServiceContainer(host, { project, service: 'backend', image, init: true });
    await createServiceContainer(host, { project, service: 'frontend', image, init: true });
  });

  afterAll(async () => {
    await removeProject(host, project);
    await rm(folder, { recursive: true, force: true });
  });

  test('real meminfo matches the kernel', async () => {
    const memory = await readHostMemory('/proc');
    expect(memory.totalBytes).toBe(os.totalmem());
    expect(memory.availableBytes).toBeGreaterThan(0);
    expect(memory.usedBytes).toBe(memory.totalBytes - memory.availableBytes);
  });

  test('real meminfo with project share', async () => {
    const outcome = await ramCheck.run(environment('/proc', { project }, host));
    expect(['ok', 'warn']).toContain(outcome.status);
    expect(outcome.summary).toContain(`the 2 containers of ${project} hold`);
    const share = outcome.details.project as { usageBytes: number; containers: unknown[] };
    expect(share.usageBytes).toBeGreaterThan(0);
    expect(share.containers).toHaveLength(2);
    expect(outcome.details.projectNotMeasured).toBeNull();
  });

  test('project remedy names the project', async () => {
    const root = await fixture(folder, 'remedy', { MemTotal: 10 * gib, MemAvailable: 1 * gib });
    const outcome = await ramCheck.run(environment(root, { project }));
    expect(outcome.status).toBe('warn');
    expect(outcome.remedy).toBe('wr restart --all');
  });

  test('late stats leave share not measured', async () => {
    const [first] = await createDockerEngine(host).listProjectContainers(project);
    // dockerd 20.10 collects stats about once a second and sends the response to
    // a one-shot request after its next collection. Right after this request, the check's
    // requests wait about 1 s, longer than the deadline allows.
    await createDockerEngine(host).containerMemory(first?.id as string);

    const deadline = Date.now() + 500;
    const outcome = await ramCheck.run({ ...environment('/proc', { project }, host), deadline });
    expect(Date.now()).toBeLessThan(deadline);
    expect(['ok', 'warn']).toContain(outcome.status);
    expect(outcome.summary).toMatch(/^\S+ \w+ used of \S+ \w+ \(/);
    expect(outcome.summary).toMatch(
      new RegExp(`the memory of the 2 containers of ${project} was not measured within \\d+ ms`),
    );
    const share = outcome.details.project as { notMeasured: string[]; usageBytes: number };
    expect(share.notMeasured).toHaveLength(2);
    expect(share.usageBytes).toBe(0);
  });

  test('under threshold is ok', async () => {
    const root = await fixture(folder, 'ok', { MemTotal: 10 * gib, MemAvailable: 5 * gib });
    const outcome = await ramCheck.run(environment(root, {}));
    expect(outcome.status).toBe('ok');
    expect(outcome.remedy).toBeNull();
    expect(outcome.summary).toContain('5.0 GiB used of 10.0 GiB (50%), 5.0 GiB available');
  });

  test('over threshold warns', async () => {
    const root = await fixture(folder, 'warn', { MemTotal: 10 * gib, MemAvailable: 1 * gib });
    const outcome = await ramCheck.run(environment(root, { thresholds: { ramPercent: 85 } }));
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('memory use is over the 85% threshold');
    expect(outcome.summary).toContain('9.0 GiB used of 10.0 GiB (90%)');
    expect(outcome.summary).toContain('a restart every few days is the runbook answer');
    expect(outcome.remedy).toBe('wr restart --all --project <compose project>');
  });

  test('nearly no memory fails', async () => {
    const available = 0.04 * 10 * gib;
    const root = await fixture(folder, 'fail', { MemTotal: 10 * gib, MemAvailable: available });
    const outcome = await ramCheck.run(environment(root, {}));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(
      `only 4.0% of memory is available (under ${failBelowAvailablePercent}%)`,
    );
    expect(outcome.remedy).toBe('wr restart --all --project <compose project>');
  });

  test('threshold edge is not over', async () => {
    const root = await fixture(folder, 'edge', { MemTotal: 100 * gib, MemAvailable: 15 * gib });
    const outcome = await ramCheck.run(environment(root, { thresholds: { ramPercent: 85 } }));
    expect(outcome.status).toBe('ok');
  });

  test('old kernel without MemAvailable', async () => {
    const root = await fixture(folder, 'old', {
      MemTotal: 8 * gib,
      MemFree: 1 * gib,
      Buffers: 1 * gib,
      Cached: 2 * gib,
    });
    const memory = await readHostMemory(root);
    expect(memory.availableBytes).toBe(4 * gib);
  });

  test('unreachable engine skips project share', async () => {
    const root = await fixture(folder, 'noengine', { MemTotal: 10 * gib, MemAvailable: 5 * gib });
    const outcome = await ramCheck.run(environment(root, { project }));
    expect(outcome.status).toBe('ok');
    expect(outcome.summary).toContain(
      `containers not measured: Docker engine at ${missingEngine} is unreachable`,
    );
    expect(outcome.details.project).toBeNull();
  });

  test('missing project skips project share', async () => {
    const root = await fixture(folder, 'noproject', { MemTotal: 10 * gib, MemAvailable: 5 * gib });
    const outcome = await ramCheck.run(environment(root, {}));
    expect(outcome.summary).toContain('containers not measured because "project" is not set');
  });

  test('meminfo without MemTotal is an error', async () => {
    const root = await fixture(folder, 'broken', { MemFree: gib });
    await expect(readHostMemory(root)).rejects.toThrow(/meminfo has no MemTotal line/);
  });

  test('parse reads real meminfo lines', async () => {
    const fields = parseMeminfo(await readFile('/proc/meminfo', 'utf8'));
    expect(fields.get('MemTotal')).toBe(os.totalmem());
    expect(fields.has('HugePages_Total')).toBe(true);
  });
});
