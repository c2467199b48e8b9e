import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createDockerEngine } from '../../src/docker/engine.js';
import { credentialsCheck } from '../../src/health/checks/credentials.js';
import type { ResolvedPaths } from '../../src/health/paths.js';
import type { CheckEnvironment } from '../../src/health/types.js';
import { scanBrowsers } from '../../src/host/browsers.js';
import { launchChromium, requireChromium, writeChromiumProfile } from '../harness/chromium.js';
import { absentDockerHost, sessionFolder } from '../harness/credential-trees.js';
import { compileFakeBrowser, launchFakeBrowser } from '../harness/fake-browser.js';

let base: string;
let fakeBrowser: string;
let caseNumber = 0;

beforeAll(async () => {
  requireChromium();
  base = await mkdtemp('/tmp/wr-c2-check-');
  fakeBrowser = await compileFakeBrowser();
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
  await rm(path.dirname(fakeBrowser), { recursive: true, force: true });
});

async function credentialsFolder(): Promise<string> {
  caseNumber += 1;
  const creds = path.join(base, `case-${caseNumber}`, 'creds');
  await mkdir(creds, { recursive: true });
  return creds;
}

function environment(
  credentials: string | null,
  rawConfig: Record<string, unknown> = {},
): CheckEnvironment {
  const config = configSchema.parse({ docker: { host: absentDockerHost }, ...rawConfig });
  const paths: ResolvedPaths = {
    public: null,
    credentials: credentials ? { path: credentials, source: 'config' } : null,
    problems: credentials ? [] : ['paths.credentials is not set and "project" is not set'],
  };
  return {
    config,
    configFile: null,
    docker: () => createDockerEngine(absentDockerHost),
    paths: async () => paths,
    procRoot: '/proc',
    signal: new AbortController().signal,
    now: () => new Date(),
  };
}

interface FolderDetails {
  name: string;
  kind: string;
  inUse: boolean;
  duplicate: boolean;
  lock: { state: string; target: string } | null;
  browsers: Array<{ pid: number }>;
}

function folderDetails(details: Record<string, unknown>, name: string): FolderDetails {
  const folders = details.folders as FolderDetails[];
  const found = folders.find((folder) => folder.name === name);
  if (!found) throw new Error(`no folder ${name} in the check details`);
  return found;
}

describe('credentials check', () => {
  it('check sees live chromium', async () => {
    const creds = await credentialsFolder();
    const browser = await launchChromium(path.join(creds, 'session-live'));
    try {
      const outcome = await credentialsCheck.run(environment(creds));

      const live = folderDetails(outcome.details, 'session-live');
      expect(live.inUse).toBe(true);
      expect(live.browsers.map((user) => user.pid)).toEqual([browser.pid]);
      expect(live.lock?.state).toBe('live');
      expect(outcome.status).toBe('ok');
    } finally {
      await browser.stop();
    }
  });

  it('check fails on duplicate browsers', async () => {
    const creds = await credentialsFolder();
    const folder = await sessionFolder(creds, 'session-bd_3');
    const first = await launchFakeBrowser(fakeBrowser, folder);
    const second = await launchFakeBrowser(fakeBrowser, folder);
    try {
      const config = { clientIdPattern: 'bd_{id}', connections: [{ id: '3' }] };
      const outcome = await credentialsCheck.run(environment(creds, config));

      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain(`pids ${first.pid}, ${second.pid}`);
      expect(outcome.summary).toContain('session-bd_3');
      expect(folderDetails(outcome.details, 'session-bd_3').duplicate).toBe(true);
      // The second browser rewrote the lock, so the first one is the extra.
      expect(outcome.remedy).toBe(`kill ${first.pid}`);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('check warns on stale lock', async () => {
    const creds = await credentialsFolder();
    await writeChromiumProfile(path.join(creds, 'session-bd_3'));
    const config = { clientIdPattern: 'bd_{id}', connections: [{ id: '3' }] };

    const outcome = await credentialsCheck.run(environment(creds, config));

    const folder = folderDetails(outcome.details, 'session-bd_3');
    expect(folder.kind).toBe('registered');
    expect(folder.lock?.state).toBe('stale');
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('stale SingletonLock');
    expect(outcome.remedy).toBe(`rm '${path.join(creds, 'session-bd_3')}/SingletonLock'`);
  });

  it('check warns on reclaimable folder', async () => {
    const creds = await credentialsFolder();
    await sessionFolder(creds, 'session-old');

    const outcome = await credentialsCheck.run(environment(creds));

    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toMatch(/KiB reclaimable in 1 unused idle folder/);
    expect(outcome.remedy).toBe('wr prune-credentials');
    expect(outcome.summary).toContain('could not be matched');
  });

  it('check fails on missing folder', async () => {
    const creds = path.join(await credentialsFolder(), 'absent');
    const outcome = await credentialsCheck.run(environment(creds));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`${creds} (from config) cannot be read: ENOENT`);
  });

  it('check skips unknown path', async () => {
    const outcome = await credentialsCheck.run(environment(null));
    expect(outcome.status).toBe('skip');
    expect(outcome.remedy).toContain('paths.credentials');
  });
});

describe('browser scan', () => {
  it('scan survives exiting processes', async () => {
    const children = Array.from({ length: 40 }, () =>
      spawn('sleep', ['0.0' + (1 + Math.floor(Math.random() * 9))]),
    );
    const exits = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (let round = 0; round < 10; round += 1) {
      await expect(scanBrowsers({ procRoot: '/proc' })).resolves.toBeDefined();
    }
    await Promise.all(exits);
  });

  it('scan without defunct finds the same browsers', async () => {
    const creds = await credentialsFolder();
    const chromium = await launchChromium(path.join(creds, 'session-real'));
    const fake = await launchFakeBrowser(fakeBrowser, await sessionFolder(creds, 'session-fake'));
    try {
      const full = await scanBrowsers({ procRoot: '/proc' });
      const lean = await scanBrowsers({ procRoot: '/proc', defunct: false });

      const ours = (scan: typeof full) =>
        scan.browsers.filter((browser) => browser.hostPath?.startsWith(creds));
      expect(ours(lean).map((browser) => browser.pid)).toEqual(
        [chromium.pid, fake.pid].sort((a, b) => a - b),
      );
      expect(ours(lean)).toEqual(ours(full));
      expect(lean.defunct).toEqual([]);
    } finally {
      await chromium.stop();
      await fake.stop();
    }
  });

  it.each([true, false])('forked child is no browser (defunct %s)', async (defunct) => {
    const procRoot = path.join(base, `fork-proc-${defunct}`);
    const argv = '/usr/lib/chromium/chromium\0--user-data-dir=/srv/auth/session-1\0';
    for (const [pid, ppid] of [
      [100, 1],
      [101, 100],
    ]) {
      await mkdir(path.join(procRoot, String(pid)), { recursive: true });
      await writeFile(path.join(procRoot, String(pid), 'cmdline'), argv);
      await writeFile(
        path.join(procRoot, String(pid), 'status'),
        `Name:\tchromium\nState:\tS (sleeping)\nPPid:\t${ppid}\nNSpid:\t${pid}\n`,
      );
    }

    const scan = await scanBrowsers({ procRoot, defunct });

    expect(scan.browsers.map((browser) => browser.pid)).toEqual([100]);
  });

  it('scan skips unreadable pid folders', async () => {
    const procRoot = path.join(base, 'fake-proc');
    await mkdir(path.join(procRoot, '4242'), { recursive: true });
    const scan = await scanBrowsers({ procRoot });
    expect(scan.browsers).toEqual([]);
  });
});
