import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createDockerEngine } from '../../src/docker/engine.js';
import { libraryCheck } from '../../src/health/checks/library.js';
import type { CheckEnvironment, CheckOutcome } from '../../src/health/types.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import {
  createServiceContainer,
  dockerClient,
  removeProject,
  requireDockerHost,
  uniqueProject,
} from '../harness/compose.js';
import { startRegistryStub, type RegistryStub } from '../harness/registry-stub.js';
import { failingLookup } from '../harness/socket-servers.js';

const manifest = 'node_modules/whatsapp-web.js/package.json';

/** Creates an app folder whose node_modules contains whatsapp-web.js at `version`. */
async function appFolder(root: string, name: string, version: string): Promise<string> {
  const app = path.join(root, name);
  await mkdir(path.join(app, 'node_modules/whatsapp-web.js'), { recursive: true });
  await writeFile(
    path.join(app, manifest),
    JSON.stringify({ name: 'whatsapp-web.js', version, main: './index.js' }),
  );
  return app;
}

function environmentFor(
  config: Record<string, unknown>,
  overrides: Partial<CheckEnvironment> = {},
): CheckEnvironment {
  const parsed = configSchema.parse(config);
  return {
    config: parsed,
    configFile: null,
    docker: () => {
      throw new Error('no Docker engine in this test');
    },
    paths: async () => ({ public: null, credentials: null, problems: [] }),
    procRoot: '/proc',
    signal: AbortSignal.timeout(20_000),
    now: () => new Date(),
    ...overrides,
  };
}

function detail<T>(outcome: CheckOutcome, key: string): T {
  return outcome.details[key] as T;
}

describe('library from paths.app', () => {
  let root: string;
  let registry: RegistryStub;
  let oldApp: string;

  beforeAll(async () => {
    root = await mkdtemp('/tmp/wr-B-library-');
    oldApp = await appFolder(root, 'old', '1.23.0');
    registry = await startRegistryStub({ latest: '1.34.7', versions: ['1.23.0'] });
  });

  afterAll(async () => {
    await registry.close();
    await rm(root, { recursive: true, force: true });
  });

  test('library warns when older', async () => {
    const outcome = await libraryCheck.run(
      environmentFor({ paths: { app: oldApp }, npmRegistry: registry.url }),
    );
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(detail(outcome, 'installed')).toBe('1.23.0');
    expect(detail(outcome, 'latest')).toBe('1.34.7');
    expect(detail(outcome, 'outdated')).toBe(true);
    expect(detail(outcome, 'source')).toBe(path.join(oldApp, manifest));
    expect(outcome.summary).toContain('whatsapp-web.js 1.23.0 installed');
    expect(outcome.summary).toContain('older than 1.34.7');
    expect(outcome.summary).toContain('WhatsApp Web updates break older versions');
    expect(outcome.remedy).toContain('npm install whatsapp-web.js@1.34.7');
    expect(outcome.remedy).toContain(
      'docker compose up -d --build backend, run in the folder of the compose file',
    );
    expect(outcome.remedy).not.toContain('wr restart');
    expect(registry.requests).toContain('/whatsapp-web.js');
  });

  test('library passes when newest', async () => {
    const app = await appFolder(root, 'current', '1.34.7');
    const outcome = await libraryCheck.run(
      environmentFor({ paths: { app }, npmRegistry: `${registry.url}/` }),
    );
    expect(outcome.status, outcome.summary).toBe('ok');
    expect(detail(outcome, 'outdated')).toBe(false);
    expect(outcome.summary).toContain('1.34.7 installed');
    expect(outcome.summary).toContain('the newest on the registry');
    expect(outcome.remedy).toBeNull();
  });

  test('library follows registry latest', async () => {
    const app = await appFolder(root, 'following', '1.34.7');
    registry.setLatest('1.35.0');
    try {
      const outcome = await libraryCheck.run(
        environmentFor({ paths: { app }, npmRegistry: registry.url }),
      );
      expect(outcome.status).toBe('warn');
      expect(detail(outcome, 'latest')).toBe('1.35.0');
    } finally {
      registry.setLatest('1.34.7');
    }
  });

  test('library reports pinned webVersion', async () => {
    const outcome = await libraryCheck.run(
      environmentFor({
        paths: { app: oldApp },
        npmRegistry: registry.url,
        whatsapp: { webVersion: '2.3000.1017054665', webVersionCache: { type: 'local' } },
      }),
    );
    expect(detail(outcome, 'webVersion')).toBe('2.3000.1017054665');
    expect(detail(outcome, 'webVersionCache')).toBe('local');
    expect(outcome.summary).toContain('WhatsApp Web pinned to 2.3000.1017054665');
  });

  test('library skips on registry error', async () => {
    registry.setMode('error');
    try {
      const outcome = await libraryCheck.run(
        environmentFor({ paths: { app: oldApp }, npmRegistry: registry.url }),
      );
      expect(outcome.status).toBe('skip');
      expect(detail(outcome, 'installed')).toBe('1.23.0');
      expect(detail(outcome, 'registryFailure')).toMatchObject({ kind: 'http', status: 503 });
      expect(outcome.summary).toContain('whatsapp-web.js 1.23.0 installed');
      expect(outcome.summary).toContain('newest version unknown');
    } finally {
      registry.setMode('serve');
    }
  });

  test('library skips on hanging registry', async () => {
    registry.setMode('hang');
    try {
      const started = performance.now();
      const outcome = await libraryCheck.run(
        environmentFor(
          { paths: { app: oldApp }, npmRegistry: registry.url },
          { signal: AbortSignal.timeout(800) },
        ),
      );
      expect(performance.now() - started).toBeLessThan(1300);
      expect(outcome.status).toBe('skip');
      expect(detail(outcome, 'installed')).toBe('1.23.0');
      expect(detail(outcome, 'registryFailure')).toMatchObject({ kind: 'timeout' });
    } finally {
      registry.setMode('serve');
    }
  });

  test('library skips on DNS failure', async () => {
    const outcome = await libraryCheck.run(
      environmentFor(
        { paths: { app: oldApp }, npmRegistry: 'https://registry.example.invalid' },
        { lookup: failingLookup() },
      ),
    );
    expect(outcome.status).toBe('skip');
    expect(detail(outcome, 'registryFailure')).toMatchObject({ kind: 'dns', code: 'ENOTFOUND' });
    expect(outcome.summary).toContain('https://registry.example.invalid/whatsapp-web.js');
    expect(outcome.summary).toContain('1.23.0 installed');
  });

  test('library skips on unreachable registry', async () => {
    const stoppedRegistry = await startRegistryStub({ latest: '1.34.7' });
    await stoppedRegistry.close();
    const outcome = await libraryCheck.run(
      environmentFor({ paths: { app: oldApp }, npmRegistry: stoppedRegistry.url }),
    );
    expect(outcome.status).toBe('skip');
    expect(detail(outcome, 'installed')).toBe('1.23.0');
    expect(detail(outcome, 'registryFailure')).toMatchObject({
      kind: 'refused',
      code: 'ECONNREFUSED',
    });
    expect(outcome.summary).toContain('whatsapp-web.js 1.23.0 installed');
    expect(outcome.summary).toContain(`${stoppedRegistry.url}/whatsapp-web.js`);
    expect(outcome.remedy).toContain('npmRegistry');
  });

  test('library warns when not found', async () => {
    const empty = path.join(root, 'empty');
    await mkdir(empty);
    const outcome = await libraryCheck.run(
      environmentFor({ paths: { app: empty }, npmRegistry: registry.url }),
    );
    expect(outcome.status).toBe('warn');
    expect(detail(outcome, 'installed')).toBeNull();
    expect(detail(outcome, 'latest')).toBe('1.34.7');
    expect(outcome.summary).toContain('whatsapp-web.js version not found');
    expect(outcome.summary).toContain(`${path.join(empty, manifest)}: not found`);
    expect(outcome.summary).toContain('"project" is not set');
    expect(outcome.remedy).toContain('paths.app');
  });
});

describe('library from the backend container', () => {
  const image = 'wr-test-busybox:library';
  const project = uniqueProject('wr-library');
  const emptyProject = uniqueProject('wr-library-empty');
  const workdirProject = uniqueProject('wr-library-workdir');
  let host: string;
  let root: string;
  let registry: RegistryStub;

  beforeAll(async () => {
    host = await requireDockerHost();
    root = await mkdtemp('/tmp/wr-B-library-image-');
    const source = path.join(root, 'package.json');
    await writeFile(source, JSON.stringify({ name: 'whatsapp-web.js', version: '1.23.0' }));
    await buildBusyboxImage(host, {
      tag: image,
      files: [
        { path: `/usr/src/app/${manifest}`, source },
        { path: `/opt/bot/${manifest}`, source },
      ],
    });
    await buildBusyboxImage(host, { tag: `${image}-empty` });
    await createServiceContainer(host, { project, service: 'backend', image });
    await createServiceContainer(host, {
      project: emptyProject,
      service: 'backend',
      image: `${image}-empty`,
    });
    registry = await startRegistryStub({ latest: '1.34.7' });
  });

  afterAll(async () => {
    await registry.close();
    await Promise.all(
      [project, emptyProject, workdirProject].map((name) => removeProject(host, name)),
    );
    await rm(root, { recursive: true, force: true });
  });

  function containerEnvironment(projectName: string, app?: string): CheckEnvironment {
    const engine = createDockerEngine(host);
    return environmentFor(
      { project: projectName, paths: app ? { app } : {}, npmRegistry: registry.url },
      { docker: () => engine },
    );
  }

  test('library reads /usr/src/app in container', async () => {
    const outcome = await libraryCheck.run(containerEnvironment(project));
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(detail(outcome, 'installed')).toBe('1.23.0');
    expect(detail(outcome, 'source')).toBe(
      `/usr/src/app/${manifest} in container ${project}-backend-1`,
    );
    expect(detail<string[]>(outcome, 'searched')).toContain('paths.app is not set');
  });

  test('library falls back from paths.app', async () => {
    const missing = path.join(root, 'no-modules');
    await mkdir(missing);
    const outcome = await libraryCheck.run(containerEnvironment(project, missing));
    expect(detail(outcome, 'installed')).toBe('1.23.0');
    expect(detail<string[]>(outcome, 'searched')).toContain(
      `${path.join(missing, manifest)}: not found`,
    );
  });

  test('library reads container working directory', async () => {
    const docker = dockerClient(host);
    const container = await docker.createContainer({
      name: `${workdirProject}-backend-1`,
      Image: image,
      Cmd: ['sleep', '3600'],
      WorkingDir: '/opt/bot',
      Labels: {
        'com.docker.compose.project': workdirProject,
        'com.docker.compose.service': 'backend',
      },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    const outcome = await libraryCheck.run(containerEnvironment(workdirProject));
    expect(detail(outcome, 'installed')).toBe('1.23.0');
    expect(detail(outcome, 'source')).toBe(
      `${manifest} in container ${workdirProject}-backend-1 (working directory)`,
    );
  });

  test('library warns when container lacks module', async () => {
    const outcome = await libraryCheck.run(containerEnvironment(emptyProject));
    expect(outcome.status).toBe('warn');
    expect(detail(outcome, 'installed')).toBeNull();
    expect(outcome.summary).toContain(
      `/usr/src/app/${manifest} in container ${emptyProject}-backend-1: not found`,
    );
    expect(outcome.summary).toContain('(working directory): not found');
  });
});
