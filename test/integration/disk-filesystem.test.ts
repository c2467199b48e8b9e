import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceNumber, groupByFilesystem } from '../../src/disk/filesystem.js';

let base: string;
let mountPoint: string;
let mounted = false;

/** `df` figures for the filesystem holding `target`, in bytes and inodes. */
function df(target: string): { total: number; available: number; inodes: number; free: number } {
  const space = execFileSync('df', ['-B1', '--output=size,avail', target], { encoding: 'utf8' });
  const inodes = execFileSync('df', ['--output=itotal,iavail', target], { encoding: 'utf8' });
  const [total, available] = (space.trim().split('\n')[1] as string)
    .trim()
    .split(/\s+/)
    .map(Number);
  const [itotal, ifree] = (inodes.trim().split('\n')[1] as string).trim().split(/\s+/).map(Number);
  return {
    total: total ?? NaN,
    available: available ?? NaN,
    inodes: itotal ?? NaN,
    free: ifree ?? NaN,
  };
}

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'wr-c1-fs-'));
  mkdirSync(path.join(base, 'public'));
  mkdirSync(path.join(base, 'credentials'));
  mountPoint = path.join(base, 'volume');
  mkdirSync(mountPoint);
  const result = spawnSync(
    'mount',
    ['-t', 'tmpfs', '-o', 'size=8m,nr_inodes=4000', 'tmpfs', mountPoint],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `mounting a tmpfs on ${mountPoint} failed (run the tests as root): ${result.stderr}`,
    );
  }
  mounted = true;
  mkdirSync(path.join(mountPoint, 'media'));
  symlinkSync(path.join(mountPoint, 'media'), path.join(base, 'linked-media'));
});

afterAll(() => {
  if (mounted) execFileSync('umount', [mountPoint]);
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('groupByFilesystem', () => {
  it('filesystem groups shared disk', async () => {
    const paths = [path.join(base, 'public'), path.join(base, 'credentials')];

    const groups = await groupByFilesystem(paths);

    expect(groups).toHaveLength(1);
    expect(groups[0]?.paths).toEqual(paths);
  });

  it('filesystem matches df', async () => {
    const target = path.join(base, 'public');

    const [group] = await groupByFilesystem([target]);
    const expected = df(target);

    expect(group?.total).toBe(expected.total);
    expect(Math.abs((group?.available ?? 0) - expected.available)).toBeLessThan(64 * 1024 ** 2);
    expect(group?.inodesTotal).toBe(expected.inodes);
    expect(Math.abs((group?.inodesFree ?? 0) - expected.free)).toBeLessThan(10_000);
  });

  it('filesystem finds tmpfs mount', async () => {
    const media = path.join(mountPoint, 'media');

    const groups = await groupByFilesystem([path.join(base, 'public'), media]);

    expect(groups).toHaveLength(2);
    expect(groups[1]).toMatchObject({
      mount: mountPoint,
      device: 'tmpfs',
      type: 'tmpfs',
      total: 8 * 1024 ** 2,
      inodesTotal: 4000,
      paths: [media],
    });
  });

  it('filesystem follows symlinked folder', async () => {
    const linked = path.join(base, 'linked-media');

    const [group] = await groupByFilesystem([linked]);

    expect(group?.mount).toBe(mountPoint);
  });

  it('filesystem without mountinfo walks up', async () => {
    const media = path.join(mountPoint, 'media');
    const emptyProc = mkdtempSync(path.join(base, 'proc-'));

    const [group] = await groupByFilesystem([media], { procRoot: emptyProc });

    expect(group?.mount).toBe(mountPoint);
    expect(group?.device).toBe(deviceNumber(statSync(media).dev));
    expect(group?.type).toBeNull();
  });

  it('filesystem rejects missing path', async () => {
    await expect(groupByFilesystem([path.join(base, 'missing')])).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
