import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processTree, readTreeMemory } from '../../src/host/memory.js';

/** Writes /proc/<pid>/{status,cmdline,smaps_rollup} under `root`, leaving out a file whose figure is null. */
async function writeProcess(
  root: string,
  pid: number,
  ppid: number,
  rssKb: number | null,
  pssKb: number | null,
): Promise<void> {
  const folder = path.join(root, String(pid));
  await mkdir(folder, { recursive: true });
  const rss = rssKb === null ? '' : `VmRSS:\t${rssKb} kB\n`;
  await writeFile(
    path.join(folder, 'status'),
    `Name:\tchromium\nState:\tS (sleeping)\nPPid:\t${ppid}\n${rss}`,
  );
  await writeFile(path.join(folder, 'cmdline'), '/usr/lib/chromium/chromium\0');
  if (pssKb !== null) {
    const rollup = `55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss: ${rssKb ?? 0} kB\nPss: ${pssKb} kB\n`;
    await writeFile(path.join(folder, 'smaps_rollup'), rollup);
  }
}

describe('process memory', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp('/tmp/wr-core-proc-');
    await writeProcess(root, 100, 1, 200_000, 120_000);
    await writeProcess(root, 101, 100, 100_000, 40_000);
    await writeProcess(root, 102, 101, 50_000, 10_000);
    await writeProcess(root, 200, 1, 10_000, 5_000);
    await writeProcess(root, 300, 1, 30_000, null);
    await writeProcess(root, 301, 300, null, null);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('tree lists the root and descendants', async () => {
    expect(await processTree(root, 100)).toEqual([100, 101, 102]);
  });

  it('tree of a missing root is empty', async () => {
    expect(await processTree(root, 999)).toEqual([]);
  });

  it('memory sums PSS and RSS', async () => {
    const memory = await readTreeMemory(root, [100, 101, 102]);
    expect(memory.pssBytes).toBe(170_000 * 1024);
    expect(memory.rssBytes).toBe(350_000 * 1024);
    expect(memory.unreadable).toEqual([]);
  });

  it('memory without smaps_rollup reports null PSS', async () => {
    const memory = await readTreeMemory(root, [300, 301]);
    expect(memory.pssBytes).toBeNull();
    expect(memory.rssBytes).toBe(30_000 * 1024);
    expect(memory.unreadable).toEqual([
      'PSS of pid 300: smaps_rollup could not be read (ENOENT)',
      'PSS of pid 301: smaps_rollup could not be read (ENOENT)',
    ]);
  });

  it('memory skips exited processes', async () => {
    const memory = await readTreeMemory(root, [200, 998]);
    expect(memory.pids).toEqual([200]);
    expect(memory.pssBytes).toBe(5_000 * 1024);
  });
});
