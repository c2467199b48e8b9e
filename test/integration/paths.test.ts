import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createDockerEngine } from '../../src/docker/engine.js';
import { resolvePaths } from '../../src/health/paths.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import {
  createServiceContainer,
  removeProject,
  requireDockerHost,
  uniqueProject,
} from '../harness/compose.js';

const image = 'wr-test-busybox:paths';

describe('resolvePaths', () => {
  let host: string;
  let folder: string;
  const project = uniqueProject('wr-paths');
  const bare = uniqueProject('wr-paths-bare');

  beforeAll(async () => {
    host = await requireDockerHost();
    folder = await mkdtemp('/tmp/wr-A-paths-');
    await mkdir(path.join(folder, 'public'));
    await mkdir(path.join(folder, '.wwebjs_auth'));
    await buildBusyboxImage(host, { tag: image });
    await createServiceContainer(host, {
      project,
      service: 'backend',
      image,
      init: true,
      binds: [
        `${folder}/public:/usr/src/app/public`,
        `${folder}/.wwebjs_auth:/usr/src/app/.wwebjs_auth`,
      ],
    });
    await createServiceContainer(host, { project, service: 'frontend', image, init: true });
    await createServiceContainer(host, { project: bare, service: 'backend', image, init: true });
  });

  afterAll(async () => {
    await removeProject(host, project);
    await removeProject(host, bare);
    await rm(folder, { recursive: true, force: true });
  });

  function resolve(settings: Record<string, unknown>) {
    const config = configSchema.parse({ docker: { host }, ...settings });
    return resolvePaths(config, () => createDockerEngine(host));
  }

  test('paths found in backend mounts', async () => {
    const paths = await resolve({ project });
    const container = `${project}-backend-1`;
    expect(paths.public).toEqual({
      path: `${folder}/public`,
      source: `mount /usr/src/app/public of container ${container}`,
    });
    expect(paths.credentials).toEqual({
      path: `${folder}/.wwebjs_auth`,
      source: `mount /usr/src/app/.wwebjs_auth of container ${container}`,
    });
    expect(paths.problems).toEqual([]);
  });

  test('config paths win over mounts', async () => {
    const paths = await resolve({ project, paths: { public: '/srv/media' } });
    expect(paths.public).toEqual({ path: '/srv/media', source: 'config' });
    expect(paths.credentials?.path).toBe(`${folder}/.wwebjs_auth`);
  });

  test('backend without mounts reports problems', async () => {
    const paths = await resolve({ project: bare });
    expect(paths.public).toBeNull();
    expect(paths.credentials).toBeNull();
    expect(paths.problems).toHaveLength(2);
    expect(paths.problems[0]).toContain(`container ${bare}-backend-1 has no mount`);
  });

  test('other backend service name', async () => {
    const paths = await resolve({ project, backendService: 'api' });
    expect(paths.public).toBeNull();
    expect(paths.problems).toEqual([
      `no container of service "api" in compose project "${project}" to read paths from`,
    ]);
  });

  test('missing project reports problem', async () => {
    const paths = await resolve({});
    expect(paths.credentials).toBeNull();
    expect(paths.problems[0]).toContain('"project" is not set');
  });

  test('unreachable engine reports problem', async () => {
    const config = configSchema.parse({ project });
    const missing = 'unix:///tmp/wr-A-no-such-folder/docker.sock';
    const paths = await resolvePaths(config, () => createDockerEngine(missing));
    expect(paths.public).toBeNull();
    expect(paths.problems[0]).toContain(`Docker engine at ${missing} is unreachable`);
  });
});
