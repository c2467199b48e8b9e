import { execFile } from 'node:child_process';
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { allocatedBytes, measureFolders } from '../src/disk/size.js';

const run = promisify(execFile);

export interface FolderSizeBench {
  files: number;
  duSeconds: number;
  wrSeconds: number;
  /** wrSeconds / duSeconds; the target is at most 1.5. */
  ratio: number;
  /** Method `allocatedBytes` used: "du" (coreutils) or "walk" (Node). */
  method: string;
  /** The Node walk used where coreutils du is missing, timed on the same tree. */
  walkSeconds: number;
  walkRatio: number;
}

/** File sizes cycled through by the generator: many small files, a few large ones. */
const fileSizes = [0, 120, 900, 3_000, 12_000, 120, 1_500, 40_000, 600, 250_000];
const repetitions = 5;

/**
 * Times `du -sb` and `allocatedBytes` on a generated tree of about 200,000
 * files (nested folders, mixed sizes, a few symlinks and hard links) after
 * one warm-up pass of each, and returns the medians of five runs.
 */
export async function benchFolderSize(fileCount = 200_000): Promise<FolderSizeBench> {
  const root = await mkdtemp(path.join(tmpdir(), 'wr-bench-'));
  try {
    const files = await generateTree(root, fileCount);
    await run('du', ['-sb', root]);
    const { method } = await measureFolders([root]);

    const duTimes: number[] = [];
    const wrTimes: number[] = [];
    const walkTimes: number[] = [];
    for (let index = 0; index < repetitions; index += 1) {
      duTimes.push(await time(() => run('du', ['-sb', root], { maxBuffer: 1 << 20 })));
      wrTimes.push(await time(() => allocatedBytes([root])));
      walkTimes.push(await time(() => allocatedBytes([root], { duPath: null })));
    }
    const duSeconds = median(duTimes);
    const wrSeconds = median(wrTimes);
    const walkSeconds = median(walkTimes);
    return {
      files,
      duSeconds: round(duSeconds),
      wrSeconds: round(wrSeconds),
      ratio: round(wrSeconds / duSeconds),
      method,
      walkSeconds: round(walkSeconds),
      walkRatio: round(walkSeconds / duSeconds),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * Writes about `fileCount` files under `root`: top folders of 20 subfolders,
 * each holding 100 files and two nested folders of 50 files, like a
 * credentials folder of Chromium profiles. Adds a symlink and a hard link in
 * every top folder. Returns the number of regular files written.
 */
export async function generateTree(root: string, fileCount: number): Promise<number> {
  const perTop = 20 * (100 + 2 * 50);
  const tops = Math.max(1, Math.round(fileCount / perTop));
  let written = 0;
  for (let top = 0; top < tops; top += 1) {
    const topFolder = path.join(root, `profile-${top}`);
    for (let sub = 0; sub < 20; sub += 1) {
      const folder = path.join(topFolder, `folder-${sub}`);
      written += await writeFiles(folder, 100, written);
      written += await writeFiles(path.join(folder, 'nested-a'), 50, written);
      written += await writeFiles(path.join(folder, 'nested-b', 'deep'), 50, written);
    }
    await symlink(root, path.join(topFolder, 'link-to-root'));
    await link(path.join(topFolder, 'folder-0', 'file-0'), path.join(topFolder, 'hard-link'));
  }
  return written;
}

async function writeFiles(folder: string, count: number, offset: number): Promise<number> {
  await mkdir(folder, { recursive: true });
  const writes: Array<Promise<void>> = [];
  for (let index = 0; index < count; index += 1) {
    const size = fileSizes[(offset + index) % fileSizes.length] as number;
    writes.push(writeFile(path.join(folder, `file-${index}`), Buffer.alloc(size, 97)));
  }
  await Promise.all(writes);
  return count;
}

async function time(action: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchFolderSize(), null, 2));
}
