import { describe, expect, it } from 'vitest';
import type { FilesystemStats } from '../../src/disk/filesystem.js';
import {
  minimumAvailableBytes,
  minimumFreeInodes,
  rateFilesystem,
} from '../../src/health/checks/disk.js';

const GiB = 1024 ** 3;

function filesystem(availableShare: number, inodeShare = 0.5, total = 100 * GiB): FilesystemStats {
  return {
    mount: '/srv',
    device: '/dev/sdb1',
    type: 'ext4',
    total,
    free: total * availableShare,
    available: total * availableShare,
    inodesTotal: 1_000_000,
    inodesFree: 1_000_000 * inodeShare,
  };
}

describe('rateFilesystem', () => {
  it('rating ok above threshold', () => {
    expect(rateFilesystem(filesystem(0.3), 10)).toEqual({ status: 'ok', reasons: [] });
  });

  it('rating warns under threshold', () => {
    const rating = rateFilesystem(filesystem(0.08), 10);

    expect(rating.status).toBe('warn');
    expect(rating.reasons).toEqual(['free space 8.0% is under the 10% threshold']);
  });

  it('rating fails under half threshold', () => {
    const rating = rateFilesystem(filesystem(0.04), 10);

    expect(rating.status).toBe('fail');
    expect(rating.reasons[0]).toContain('under 5%, half of the 10% threshold');
  });

  it('rating fails under byte floor', () => {
    const small = { ...filesystem(0.5, 0.5, 1.5 * GiB) };

    const rating = rateFilesystem(small, 0);

    expect(small.available).toBeLessThan(minimumAvailableBytes);
    expect(rating.status).toBe('fail');
    expect(rating.reasons[0]).toContain('is under the minimum of 1.0 GiB');
  });

  it('rating warns on inodes alone', () => {
    const rating = rateFilesystem(filesystem(0.5, 0.07), 10);

    expect(rating.status).toBe('warn');
    expect(rating.reasons).toEqual(['free inodes 7.0% is under the 10% threshold']);
  });

  it('rating fails under inode floor', () => {
    const few = { ...filesystem(0.5), inodesTotal: 5000, inodesFree: 4000 };

    const rating = rateFilesystem(few, 10);

    expect(few.inodesFree).toBeLessThan(minimumFreeInodes);
    expect(rating.status).toBe('fail');
    expect(rating.reasons[0]).toContain('free inodes 4,000 is under the minimum of 10,000');
  });

  it('rating skips inodes without table', () => {
    const btrfs = { ...filesystem(0.5), inodesTotal: 0, inodesFree: 0 };

    expect(rateFilesystem(btrfs, 10).status).toBe('ok');
  });

  it('rating keeps worse of both', () => {
    const rating = rateFilesystem(filesystem(0.08, 0.01), 10);

    expect(rating.status).toBe('fail');
    expect(rating.reasons).toHaveLength(2);
  });

  it('rating never warns at zero percent', () => {
    expect(rateFilesystem(filesystem(0.02, 0.02), 0).status).toBe('ok');
  });
});
