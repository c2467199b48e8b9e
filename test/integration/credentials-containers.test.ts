import { lstat, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../commands/prune-credentials.js';
import { configSchema } from '../../src/config/schema.js';
import { createDockerEngine } from '../../src/docker/engine.js';
import { credentialsCheck } from '../../src/health/checks/credentials.js';
import { resolvePaths } from '../../src/health/paths.js';
import type { CheckEnvironment } from '../../src/health/types.js';
import { scanBrowsers } from '../../src/host/browsers.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import {
  createServiceContainer,
  removeContainers,
  removeProject,
  requireDockerHost,
  uniqueProject,
} from '../harness/compose.js';
import { commandContext, sessionFolder } from '../harness/credential-trees.js';
import { compileFakeBrowser } from '../harness/fake-browser.js';

const authInContainer = '/usr/src/app/.wwebjs_auth';
const image = 'wr-c2-fake-browser:test';

let host: string;
let project: string;
let base: string;
let creds: string;
let fakeBrowser: string;

beforeAll(async () => {
  host = await requireDockerHost();
  project = uniqueProject('wr-c2');
  base = await mkdtemp('/tmp/wr-c2-containers-');
  creds = path.join(base, 'creds');
  await mkdir(creds);
  fakeBrowser = await compileFakeBrowser();
  await buildBusyboxImage(host, {
    tag: image,
    files: [{ path: '/usr/lib/chromium/chromium', source: fakeBrowser, mode: 0o755 }],
  });

  // The backend runs a browser on session-bd_7 with three unreaped children and no init.
  await sessionFolder(creds, 'session-bd_7');
  await startBrowserContainer('backend', 'backend-host-a', 'session-bd_7', false);
  // The same with an init, whose defunct children must not be reported.
  await sessionFolder(creds, 'session-bd_9');
  await startBrowserContainer('worker', 'worker-host', 'session-bd_9', true);

  // A container that took the lock of session-bd_8 and was then removed, as a
  // recreated container leaves its predecessor's lock behind.
  await sessionFolder(creds, 'session-bd_8');
  const gone = await startBrowserContainer('old', 'backend-gone', 'session-bd_8', false);
  await removeContainers(host, [gone]);
});

afterAll(async () => {
  if (host && project) await removeProject(host, project);
  if (base) await rm(base, { recursive: true, force: true });
  if (fakeBrowser) await rm(path.dirname(fakeBrowser), { recursive: true, force: true });
});

async function startBrowserContainer(
  service: string,
  hostname: string,
  folder: string,
  init: boolean,
): Promise<string> {
  const id = await createServiceContainer(host, {
    project,
    service,
    image,
    hostname,
    init,
    binds: [`${creds}:${authInContainer}`],
    command: [
      '/usr/lib/chromium/chromium',
      `--user-data-dir=${authInContainer}/${folder}`,
      '--zombies=3',
    ],
  });
  await waitForLock(path.join(creds, folder));
  return id;
}

async function waitForLock(folder: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await lstat(path.join(folder, 'SingletonLock'));
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`no SingletonLock in ${folder} after 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function environment(): CheckEnvironment {
  const config = configSchema.parse({ project, docker: { host } });
  const docker = () => createDockerEngine(host);
  return {
    config,
    configFile: null,
    docker,
    paths: () => resolvePaths(config, docker),
    procRoot: '/proc',
    signal: new AbortController().signal,
    now: () => new Date(),
  };
}

interface FolderDetails {
  name: string;
  inUse: boolean;
  lock: { state: string; target: string; reason: string } | null;
}

function folderDetails(details: Record<string, unknown>, name: string): FolderDetails {
  const found = (details.folders as FolderDetails[]).find((folder) => folder.name === name);
  if (!found) throw new Error(`no folder ${name} in the check details`);
  return found;
}

describe('credentials in containers', () => {
  it('container browser maps to host folder', async () => {
    const scan = await scanBrowsers({ procRoot: '/proc', docker: () => createDockerEngine(host) });

    const browser = scan.browsers.find(
      (candidate) => candidate.userDataDir === `${authInContainer}/session-bd_7`,
    );
    expect(browser).toBeDefined();
    expect(browser?.hostPath).toBe(path.join(creds, 'session-bd_7'));
    expect(browser?.container?.name).toBe(`${project}-backend-1`);
    expect(browser?.namespacePid).toBe(1);
    expect(browser?.onHost).toBe(false);
    expect(scan.containersMatched).toBe(true);
  });

  it('check judges container locks', async () => {
    const outcome = await credentialsCheck.run(environment());

    expect(outcome.details.source).toBe(
      `mount ${authInContainer} of container ${project}-backend-1`,
    );
    const live = folderDetails(outcome.details, 'session-bd_7');
    expect(live.inUse).toBe(true);
    expect(live.lock?.state).toBe('live');
    const gone = folderDetails(outcome.details, 'session-bd_8');
    expect(gone.inUse).toBe(false);
    expect(gone.lock?.target).toBe('backend-gone-1');
    expect(gone.lock?.state).toBe('stale');
  });

  it('check warns on zombies without init', async () => {
    const outcome = await credentialsCheck.run(environment());

    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(
      `3 defunct browser processes in container ${project}-backend-1`,
    );
    expect(outcome.summary).not.toContain(`${project}-worker-1`);
    expect(outcome.remedy).toContain('set init: true for service backend in the compose file');
  });

  it('prune keeps container browser folder', async () => {
    const config = { project, docker: { host } };

    const result = await run({ yes: true }, commandContext(config));

    const byName = new Map(
      result.data.folders.map((folder) => [path.basename(folder.path), folder]),
    );
    expect(byName.get('session-bd_7')?.action).toBe('keep');
    expect(byName.get('session-bd_7')?.reason).toContain(`in container ${project}-backend-1`);
    expect(byName.get('session-bd_9')?.action).toBe('keep');
    expect(byName.get('session-bd_8')?.action).toBe('deleted');
    expect(result.data.warnings).toEqual([]);
  });
});
