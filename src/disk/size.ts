import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Measures the bytes allocated on disk under each path (what deleting it
 * would free), without following symlinks and counting hard links once per
 * call.
 */
export async function allocatedBytes(
  paths: string[],
  options: { signal?: AbortSignal } = {},
): Promise<Map<string, number>> {
  const seen = new Set<string>();
  const sizes = new Map<string, number>();
  for (const root of paths) sizes.set(root, await walk(root, seen, options.signal));
  return sizes;
}

async function walk(entry: string, seen: Set<string>, signal?: AbortSignal): Promise<number> {
  signal?.throwIfAborted();
  const stats = await lstat(entry, { bigint: false });
  const key = `${stats.dev}:${stats.ino}`;
  if (seen.has(key)) return 0;
  seen.add(key);
  let total = stats.blocks * 512;
  if (!stats.isDirectory()) return total;
  for (const name of await readdir(entry)) {
    total += await walk(path.join(entry, name), seen, signal);
  }
  return total;
}
