import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import type { DockerEngine } from '../../src/docker/types.js';
import { diskCheck } from '../../src/health/checks/disk.js';
import { formatBytes, formatDuration } from '../../src/output/format.js';
import { resolvePaths, type ResolvedPaths } from '../../src/health/paths.js';
import { runChecks } from '../../src/health/runner.js';
import type { CheckEnvironment } from '../../src/health/types.js';

const checkModule = fileURLToPath(new URL('../../src/health/checks/disk.ts', import.meta.url));
const schemaModule = fileURLToPath(new URL('../../src/config/schema.ts', import.meta.url));

let base: string;
let publicPath: string;
let credentialsPath: string;
let smallVolume: string;
let mounted = false;

function noDocker(): DockerEngine {
  throw new Error('the disk check asked for the Docker engine although the paths are known');
}

function environment(config: Config, paths: () => Promise<ResolvedPaths>): CheckEnvironment {
  return {
    config,
    configFile: path.join(base, 'wr.config.json'),
    docker: noDocker,
    paths,
    procRoot: '/proc',
    signal: new AbortController().signal,
    now: () => new Date(),
  };
}

/** Loads a real config file naming both folders, and resolves paths the way doctor does. */
function configured(
  diskFreePercent: number,
  paths = { public: publicPath, credentials: credentialsPath },
) {
  const file = path.join(base, 'wr.config.json');
  writeFileSync(file, JSON.stringify({ paths, thresholds: { diskFreePercent } }));
  const { config } = loadConfig({ file, env: {}, cwd: base });
  return environment(config, () => resolvePaths(config, noDocker));
}

function duAllocated(target: string): number {
  const output = execFileSync('du', ['-s', '-x', '-B1', '--', target], { encoding: 'utf8' });
  return Number(output.split('\t')[0]);
}

/** Returns the share of free space on the filesystem of `target`, in percent, as the check computes it. */
function freePercent(target: string): number {
  const stats = statfsSync(target);
  return (stats.bavail / stats.blocks) * 100;
}

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'wr-c1-check-'));
  publicPath = path.join(base, 'public');
  credentialsPath = path.join(base, '.wwebjs_auth');
  mkdirSync(path.join(publicPath, 'media'), { recursive: true });
  mkdirSync(path.join(credentialsPath, 'session-bd_3', 'Default'), { recursive: true });
  writeFileSync(path.join(publicPath, 'media', 'photo.jpg'), Buffer.alloc(300_000, 1));
  writeFileSync(
    path.join(credentialsPath, 'session-bd_3', 'Default', 'Cookies'),
    Buffer.alloc(70_000, 2),
  );

  smallVolume = path.join(base, 'small');
  mkdirSync(smallVolume);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', smallVolume], {
    encoding: 'utf8',
  });
  if (mount.status !== 0) {
    throw new Error(
      `mounting a tmpfs on ${smallVolume} failed (run the tests as root): ${mount.stderr}`,
    );
  }
  mounted = true;
  mkdirSync(path.join(smallVolume, 'public'));
});

afterAll(() => {
  if (mounted) execFileSync('umount', [smallVolume]);
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('disk check', () => {
  it('disk ok at zero threshold', async () => {
    const outcome = await diskCheck.run(configured(0));

    expect(outcome.status).toBe('ok');
    expect(outcome.remedy).toBeNull();
    expect(outcome.summary).toMatch(
      /^public and credentials on \/.*: [\d.]+ \w+ free of [\d.]+ \w+ \(\d+%\)/,
    );
    expect(outcome.summary).toContain(`public ${formatBytes(duAllocated(publicPath))}`);
  });

  it('disk details paths from config', async () => {
    const outcome = await diskCheck.run(configured(0));
    const details = outcome.details as {
      paths: Record<string, { path: string; source: string; bytes: number }>;
      filesystems: Array<{ paths: string[]; total: number; available: number }>;
    };

    expect(details.paths.public).toMatchObject({
      path: publicPath,
      source: 'config',
      bytes: duAllocated(publicPath),
    });
    expect(details.paths.credentials).toMatchObject({
      path: credentialsPath,
      source: 'config',
      bytes: duAllocated(credentialsPath),
    });
    expect(details.filesystems).toHaveLength(1);
    expect(details.filesystems[0]?.paths).toEqual([publicPath, credentialsPath]);
    expect(details.filesystems[0]?.total).toBe(
      statfsSync(publicPath).blocks * statfsSync(publicPath).bsize,
    );
  });

  it('disk fails at high threshold', async () => {
    const outcome = await diskCheck.run(configured(99.9));

    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('is under 49.95%, half of the 99.9% threshold');
    expect(outcome.summary).toContain('corrupts its IndexedDB and loses the WhatsApp login');
    expect(outcome.remedy).toContain('wr prune-credentials');
    expect(outcome.remedy).toContain(`archive old chat media from ${publicPath}`);
  });

  it('disk warns under threshold', async () => {
    const share = freePercent(publicPath);
    const threshold = Math.min(99.9, Math.ceil(share * 1.5));

    const outcome = await diskCheck.run(configured(threshold));

    expect(share).toBeGreaterThanOrEqual(threshold / 2);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(`is under the ${threshold}% threshold`);
    expect(outcome.summary).not.toContain('IndexedDB');
    expect(outcome.remedy).toContain('wr prune-credentials');
  });

  it('disk fails on small filesystem', async () => {
    const small = path.join(smallVolume, 'public');

    const outcome = await diskCheck.run(
      configured(0, { public: small, credentials: credentialsPath }),
    );
    const details = outcome.details as { filesystems: Array<{ mount: string; status: string }> };

    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^public on .*small \(tmpfs\): free space 16\.0 MiB is under the minimum of 1\.0 GiB/,
    );
    expect(details.filesystems).toHaveLength(2);
    expect(
      details.filesystems.find((filesystem) => filesystem.mount === smallVolume),
    ).toMatchObject({ mount: smallVolume, status: 'fail' });
  });

  it('disk fails on missing path', async () => {
    const missing = path.join(base, 'gone', '.wwebjs_auth');

    const outcome = await diskCheck.run(
      configured(0, { public: publicPath, credentials: missing }),
    );
    const details = outcome.details as {
      paths: Record<string, { exists: boolean; bytes: number | null }>;
    };

    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(
      `paths.credentials ${missing} does not exist (from ${path.join(base, 'wr.config.json')} or WR_PATHS_CREDENTIALS)`,
    );
    expect(outcome.remedy).toContain('set paths.credentials in');
    expect(details.paths.credentials).toMatchObject({ exists: false, bytes: null });
    expect(details.paths.public?.bytes).toBe(duAllocated(publicPath));
  });

  it('disk fails on file path', async () => {
    const file = path.join(publicPath, 'media', 'photo.jpg');

    const outcome = await diskCheck.run(
      configured(0, { public: file, credentials: credentialsPath }),
    );

    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`paths.public ${file} is not a folder`);
  });

  it('disk warns on unresolved paths', async () => {
    const config = configSchema.parse({ thresholds: { diskFreePercent: 0 } });

    const outcome = await diskCheck.run(environment(config, () => resolvePaths(config, noDocker)));

    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(
      'paths.public is not set and was not found: paths are not in the config and "project" is not set',
    );
    expect(outcome.summary).toContain('paths.credentials is not set and was not found');
    expect(outcome.remedy).toContain('WR_PATHS_PUBLIC');
    expect(outcome.remedy).toContain('WR_PATHS_CREDENTIALS');
  });

  it('disk names discovered source', async () => {
    const config = configSchema.parse({ thresholds: { diskFreePercent: 0 } });
    const source = 'mount /usr/src/app/.wwebjs_auth of container whatrestaurant-backend-1';
    const paths: ResolvedPaths = {
      public: null,
      credentials: { path: credentialsPath, source },
      problems: ['container whatrestaurant-backend-1 has no mount matching /public'],
    };

    const outcome = await diskCheck.run(environment(config, async () => paths));

    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(
      `credentials ${formatBytes(duAllocated(credentialsPath))} (${credentialsPath}, found through ${source})`,
    );
    expect(outcome.summary).toContain('has no mount matching /public');
  });

  it('disk warns on unreadable entries', () => {
    const locked = path.join(publicPath, 'locked');
    mkdirSync(locked);
    writeFileSync(path.join(locked, 'video.mp4'), Buffer.alloc(40_000, 5));
    chmodSync(base, 0o755);
    chmodSync(locked, 0o000);

    const outcome = runCheckAsNobody();

    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain(
      `size of public is incomplete: 1 entry could not be read (first: ${locked}: EACCES)`,
    );
    expect(outcome.remedy).toBe('rerun as root: sudo wr doctor --check disk');
    chmodSync(locked, 0o755);
    rmSync(locked, { recursive: true });
  });
});

describe('disk check near its deadline', () => {
  let treeVolume: string;
  let tree: string;
  let treeMounted = false;
  /** Time `du` takes to size the generated tree with a warm cache, in milliseconds. */
  let sizingMs: number;

  beforeAll(() => {
    treeVolume = path.join(base, 'tree');
    mkdirSync(treeVolume);
    // A tmpfs makes creating 150,000 files quick. Its 2 GiB are over the 1 GiB floor of free space,
    // so the status at threshold 0 is ok whether sizing finishes or not.
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2g', 'tmpfs', treeVolume], {
      encoding: 'utf8',
    });
    if (mount.status !== 0) {
      throw new Error(
        `mounting a tmpfs on ${treeVolume} failed (run the tests as root): ${mount.stderr}`,
      );
    }
    treeMounted = true;
    tree = path.join(treeVolume, 'public');
    for (let folder = 0; folder < 1000; folder += 1) {
      const media = path.join(tree, `chat-${folder}`);
      mkdirSync(media, { recursive: true });
      for (let file = 0; file < 150; file += 1) writeFileSync(path.join(media, `${file}.jpg`), '');
    }
    duAllocated(tree);
    const started = performance.now();
    duAllocated(tree);
    sizingMs = performance.now() - started;
  });

  afterAll(() => {
    if (treeMounted) execFileSync('umount', [treeVolume]);
  });

  it('disk reports free space when sizing is cut', async () => {
    expect(sizingMs, 'du sized the generated tree too fast to be cut; add files').toBeGreaterThan(
      90,
    );
    const deadline = Date.now() + sizingMs / 2;
    const environment = configured(0, { public: tree, credentials: credentialsPath });

    const outcome = await diskCheck.run({ ...environment, deadline });
    const finished = Date.now();
    const details = outcome.details as {
      paths: Record<
        string,
        { bytes: number | null; sizing: unknown; sizingCutShortAfterMs: number | null }
      >;
      filesystems: Array<{ mount: string; available: number }>;
      sizingLimitMs: number | null;
    };
    const limitMs = details.paths.public?.sizingCutShortAfterMs as number;

    expect(finished).toBeLessThan(deadline);
    expect(outcome.status).toBe('ok');
    expect(outcome.summary).toMatch(
      /^public on .*tree \(tmpfs\): [\d.]+ \w+ free of 2\.0 GiB \(\d+%\), [\d,]+ inodes free/,
    );
    expect(outcome.summary).toContain(
      `public size not measured within ${formatDuration(limitMs)} (${tree})`,
    );
    expect(limitMs).toBeGreaterThan(0);
    expect(limitMs).toBeLessThan(sizingMs / 2);
    expect(details.sizingLimitMs).toBe(limitMs);
    expect(details.paths.public?.bytes).toBeNull();
    expect(details.paths.public?.sizing).toBeNull();
    expect(
      details.filesystems.find((filesystem) => filesystem.mount === treeVolume)?.available,
    ).toBe(statfsSync(treeVolume).bavail * statfsSync(treeVolume).bsize);
  });

  it('disk finishes before runner timeout', async () => {
    expect(sizingMs, 'du sized the generated tree too fast to be cut; add files').toBeGreaterThan(
      90,
    );
    const environment = configured(0, { public: tree, credentials: credentialsPath });

    const [result] = await runChecks([diskCheck], environment, { timeoutMs: sizingMs / 2 });

    expect(result?.details).not.toHaveProperty('timedOut');
    expect(result?.status).toBe('ok');
    expect(result?.summary).toMatch(/^public on .*tree \(tmpfs\): [\d.]+ \w+ free of 2\.0 GiB/);
    expect(result?.summary).toContain(`(${tree})`);
    expect(result?.summary).toContain('public size not measured within');
  });

  it('disk skips sizing past deadline', async () => {
    const environment = configured(0);

    const outcome = await diskCheck.run({ ...environment, deadline: Date.now() - 1 });
    const details = outcome.details as {
      paths: Record<string, { bytes: number | null; sizingCutShortAfterMs: number | null }>;
      filesystems: unknown[];
    };

    expect(outcome.status).toBe('ok');
    expect(outcome.summary).toMatch(/^public and credentials on \/.*: [\d.]+ \w+ free of /);
    expect(outcome.summary).toContain(`public size not measured within 0 ms (${publicPath})`);
    expect(outcome.summary).toContain(
      `credentials size not measured within 0 ms (${credentialsPath})`,
    );
    expect(details.paths.public).toMatchObject({ bytes: null, sizingCutShortAfterMs: 0 });
    expect(details.paths.credentials).toMatchObject({ bytes: null, sizingCutShortAfterMs: 0 });
    expect(details.filesystems).toHaveLength(1);
  });

  it('disk sizes fully before far deadline', async () => {
    const environment = configured(0);

    const outcome = await diskCheck.run({ ...environment, deadline: Date.now() + 60_000 });
    const details = outcome.details as {
      paths: Record<string, { bytes: number | null; sizingCutShortAfterMs: number | null }>;
      sizingLimitMs: number | null;
    };

    expect(details.paths.public?.bytes).toBe(duAllocated(publicPath));
    expect(details.paths.public?.sizingCutShortAfterMs).toBeNull();
    expect(details.sizingLimitMs).toBeGreaterThan(40_000);
    expect(details.sizingLimitMs).toBeLessThanOrEqual(45_000);
    expect(outcome.summary).not.toContain('not measured');
  });
});

/** Runs the disk check as user nobody, because root reads any folder whatever its mode. */
function runCheckAsNobody(): { status: string; summary: string; remedy: string | null } {
  const paths = {
    public: { path: publicPath, source: 'config' },
    credentials: { path: credentialsPath, source: 'config' },
    problems: [],
  };
  const script = `
    import { diskCheck } from ${JSON.stringify(checkModule)};
    import { configSchema } from ${JSON.stringify(schemaModule)};
    const config = configSchema.parse({ thresholds: { diskFreePercent: 0 } });
    const outcome = await diskCheck.run({
      config,
      configFile: null,
      docker: () => { throw new Error('no Docker engine in this test'); },
      paths: async () => (${JSON.stringify(paths)}),
      procRoot: '/proc',
      signal: new AbortController().signal,
      now: () => new Date(),
    });
    console.log(JSON.stringify(outcome));`;
  const asRoot = process.getuid?.() === 0;
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      cwd: path.dirname(checkModule),
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    },
  );
  if (child.status !== 0) throw new Error(`disk check as nobody failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}
