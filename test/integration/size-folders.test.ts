import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocatedBytes, measureFolders, type SizeOptions } from '../../src/disk/size.js';

const sizeModule = fileURLToPath(new URL('../../src/disk/size.ts', import.meta.url));
const MiB = 1024 * 1024;

let base: string;
let tree: string;
let outside: string;

/** Allocated bytes per path from coreutils `du -s -x -B1`, in one call as `allocatedBytes` does. */
function duAllocated(paths: string[]): Map<string, number> {
  const output = execFileSync('du', ['-s', '-x', '-B1', '-0', '--', ...paths], {
    encoding: 'utf8',
  });
  const sizes = new Map<string, number>();
  for (const record of output.split('\0').filter(Boolean)) {
    const tab = record.indexOf('\t');
    sizes.set(record.slice(tab + 1), Number(record.slice(0, tab)));
  }
  return sizes;
}

function writeSparseFile(file: string): void {
  const descriptor = openSync(file, 'w');
  writeSync(descriptor, Buffer.alloc(8192, 1), 0, 8192, 32 * MiB);
  closeSync(descriptor);
}

/** A tree with odd names, a symlink to a big folder outside, hard links and a sparse file. */
function buildTree(root: string, big: string): void {
  mkdirSync(path.join(root, 'a', 'deep', 'x', 'y'), { recursive: true });
  mkdirSync(path.join(root, 'b'));
  [0, 1, 4095, 4096, 4097, 100_000].forEach((size, index) =>
    writeFileSync(path.join(root, 'a', `file-${index}`), Buffer.alloc(size, 7)),
  );
  writeFileSync(path.join(root, 'a', 'deep', 'x', 'y', 'leaf'), Buffer.alloc(30_000, 1));
  writeFileSync(path.join(root, 'a', 'linked'), Buffer.alloc(MiB, 2));
  linkSync(path.join(root, 'a', 'linked'), path.join(root, 'b', 'linked-1'));
  linkSync(path.join(root, 'a', 'linked'), path.join(root, 'b', 'linked-2'));
  writeSparseFile(path.join(root, 'sparse'));
  symlinkSync(big, path.join(root, 'link-out'));
  symlinkSync(path.join(root, 'a', 'linked'), path.join(root, 'link-file'));
  writeFileSync(path.join(root, "odd name\nwith newline and 'quotes'"), Buffer.alloc(5000, 3));
}

beforeAll(() => {
  const du = spawnSync('du', ['--version'], { encoding: 'utf8' });
  if (du.error || !du.stdout.includes('GNU coreutils')) {
    throw new Error('these tests compare with GNU du: install coreutils');
  }
  base = mkdtempSync(path.join(tmpdir(), 'wr-c1-size-'));
  tree = path.join(base, 'tree');
  chmodSync(base, 0o755);
  outside = path.join(base, 'outside');
  mkdirSync(tree);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'big'), Buffer.alloc(8 * MiB, 9));
  buildTree(tree, outside);
});

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

const methods: Array<[string, SizeOptions]> = [
  ['du', {}],
  ['walk', { duPath: null }],
];

describe.each(methods)('size with %s', (method, options) => {
  it('size matches du -s -B1', async () => {
    const result = await measureFolders([tree], options);

    expect(result.method).toBe(method);
    expect(result.bytes.get(tree)).toBe(duAllocated([tree]).get(tree));
    expect(result.unreadableCount).toBe(0);
  });

  it('size skips symlinked folder', async () => {
    const bytes = (await allocatedBytes([tree], options)).get(tree) as number;

    expect(bytes).toBeLessThan(8 * MiB);
  });

  it('size counts hard links once', async () => {
    const a = path.join(tree, 'a');
    const b = path.join(tree, 'b');
    const sizes = await allocatedBytes([a, b], options);

    expect(sizes.get(a)).toBeGreaterThanOrEqual(MiB);
    expect(sizes.get(b)).toBeLessThan(MiB);
    expect(sizes).toEqual(duAllocated([a, b]));
  });

  it('size counts sparse blocks only', async () => {
    const sparse = path.join(tree, 'sparse');
    const bytes = (await allocatedBytes([sparse], options)).get(sparse) as number;

    expect(bytes).toBeGreaterThanOrEqual(8192);
    expect(bytes).toBeLessThan(MiB);
    expect(bytes).toBe(duAllocated([sparse]).get(sparse));
  });

  it('size gives nested path zero', async () => {
    const nested = path.join(tree, 'a');
    const sizes = await allocatedBytes([tree, nested], options);

    expect(sizes.get(tree)).toBe(duAllocated([tree]).get(tree));
    expect(sizes.get(nested)).toBe(0);
  });

  it('size reports missing path', async () => {
    const missing = path.join(base, 'no-such-folder');
    const result = await measureFolders([missing, tree], options);

    expect(result.missing).toEqual([missing]);
    expect(result.bytes.get(missing)).toBe(0);
    expect(result.bytes.get(tree)).toBe(duAllocated([tree]).get(tree));
  });

  it('size keys odd root names', async () => {
    const odd = path.join(tree, "odd name\nwith newline and 'quotes'");
    const tabbed = path.join(base, 'tab\tname');
    mkdirSync(tabbed, { recursive: true });

    const sizes = await allocatedBytes([odd, tabbed], options);

    expect([...sizes.keys()]).toEqual([odd, tabbed]);
    expect(sizes).toEqual(duAllocated([odd, tabbed]));
  });

  it('size stops on abort', async () => {
    const controller = new AbortController();
    const reason = new Error('sizing aborted by the test');
    const sizing = measureFolders([tree], { ...options, signal: controller.signal });
    controller.abort(reason);

    await expect(sizing).rejects.toBe(reason);
  });
});

describe('size fallback', () => {
  it('size walks when du is missing', async () => {
    const result = await measureFolders([tree], { duPath: path.join(base, 'no-du-here') });

    expect(result.method).toBe('walk');
    expect(result.fallbackReason).toContain('ENOENT');
    expect(result.bytes.get(tree)).toBe(duAllocated([tree]).get(tree));
  });

  it('size walks when du is busybox', async () => {
    const busybox = spawnSync('/bin/busybox', ['true']);
    if (busybox.error) throw new Error('this test runs /bin/busybox as du: install busybox-static');
    const fakeDu = path.join(base, 'bin', 'du');
    mkdirSync(path.dirname(fakeDu), { recursive: true });
    symlinkSync('/bin/busybox', fakeDu);

    const result = await measureFolders([tree], { duPath: fakeDu });

    expect(result.method).toBe('walk');
    expect(result.fallbackReason).toContain("invalid option -- 'B'");
    expect(result.bytes.get(tree)).toBe(duAllocated([tree]).get(tree));
  });
});

describe.each(methods)('size races with %s', (_method, options) => {
  let churn: ChildProcess | undefined;

  afterAll(() => {
    churn?.kill();
  });

  it('size tolerates vanishing files', async () => {
    const folder = mkdtempSync(path.join(base, 'churn-'));
    churn = startChurn(folder);
    await waitFor(() => readdirSync(folder).length > 0);
    let vanished = 0;
    const deadline = Date.now() + 20_000;
    while (vanished === 0 && Date.now() < deadline) {
      const result = await measureFolders([folder], options);
      vanished += result.vanishedCount;
      expect(result.unreadableCount).toBe(0);
    }
    churn.kill();

    expect(vanished).toBeGreaterThan(0);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the churn process created no folder within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a process that creates and deletes files in `folder` for at most 60 s. */
function startChurn(folder: string): ChildProcess {
  const script = `
    const fs = require('node:fs');
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      for (let i = 0; i < 200; i++) fs.mkdirSync(${JSON.stringify(folder)} + '/d' + i + '/sub', { recursive: true });
      for (let i = 0; i < 200; i++) fs.rmSync(${JSON.stringify(folder)} + '/d' + i, { recursive: true });
    }`;
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
}

describe.each(methods)('size permissions with %s', (method, options) => {
  it('size reports unreadable folder', () => {
    const root = mkdtempSync(path.join(base, 'locked-'));
    chmodSync(root, 0o755);
    mkdirSync(path.join(root, 'open'));
    mkdirSync(path.join(root, 'closed'));
    writeFileSync(path.join(root, 'closed', 'secret'), Buffer.alloc(50_000));
    chmodSync(path.join(root, 'closed'), 0o000);

    const result = measureAsNobody(root, options);

    expect(result.method).toBe(method);
    expect(result.unreadableCount).toBe(1);
    expect(result.unreadable).toEqual([{ path: path.join(root, 'closed'), code: 'EACCES' }]);
    expect(result.bytes).toBeLessThan(50_000);
  });
});

/**
 * Runs `measureFolders` as user nobody, because root reads any folder
 * whatever its mode.
 */
function measureAsNobody(
  root: string,
  options: SizeOptions,
): { method: string; bytes: number; unreadable: unknown[]; unreadableCount: number } {
  const script = `
    import { measureFolders } from ${JSON.stringify(sizeModule)};
    const result = await measureFolders([${JSON.stringify(root)}], ${JSON.stringify(options)});
    console.log(JSON.stringify({ ...result, bytes: result.bytes.get(${JSON.stringify(root)}) }));`;
  const asRoot = process.getuid?.() === 0;
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      cwd: path.dirname(sizeModule),
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    },
  );
  if (child.status !== 0) throw new Error(`sizing as nobody failed: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

describe.each(methods)('size across mounts with %s', (_method, options) => {
  let mounted: string | undefined;

  afterAll(() => {
    if (mounted) execFileSync('umount', [mounted]);
  });

  it('size stays on one filesystem', async () => {
    const root = mkdtempSync(path.join(base, 'mounts-'));
    const mountPoint = path.join(root, 'volume');
    mkdirSync(mountPoint);
    writeFileSync(path.join(root, 'local'), Buffer.alloc(20_000, 1));
    mountTmpfs(mountPoint);
    mounted = mountPoint;
    writeFileSync(path.join(mountPoint, 'remote'), Buffer.alloc(2 * MiB, 1));

    const sizes = await allocatedBytes([root, mountPoint], options);

    expect(sizes.get(root)).toBeLessThan(MiB);
    expect(sizes.get(mountPoint)).toBeGreaterThanOrEqual(2 * MiB);
    expect(sizes).toEqual(duAllocated([root, mountPoint]));
  });
});

function mountTmpfs(target: string): void {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', target], {
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(
      `mounting a tmpfs on ${target} failed (run the tests as root): ${result.stderr}`,
    );
  }
}
