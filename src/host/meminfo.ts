import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Host memory from /proc/meminfo, in bytes. */
export interface HostMemory {
  totalBytes: number;
  /** `MemAvailable`: what new processes can get without swapping, page cache included. */
  availableBytes: number;
  /** total minus available, the figure `free` shows as used plus unreclaimable cache. */
  usedBytes: number;
}

/**
 * Reads host memory from `<procRoot>/meminfo`. Kernels older than 3.14 have
 * no `MemAvailable`, so for them available is estimated as MemFree + Buffers
 * + Cached. That estimate is too high by the cache that cannot be dropped.
 */
export async function readHostMemory(procRoot: string): Promise<HostMemory> {
  const file = path.join(procRoot, 'meminfo');
  const fields = parseMeminfo(await readFile(file, 'utf8'));
  const total = fields.get('MemTotal');
  if (total === undefined || total <= 0) {
    throw new Error(`${file} has no MemTotal line`);
  }
  const available =
    fields.get('MemAvailable') ??
    (fields.get('MemFree') ?? 0) + (fields.get('Buffers') ?? 0) + (fields.get('Cached') ?? 0);
  const availableBytes = Math.min(available, total);
  return { totalBytes: total, availableBytes, usedBytes: total - availableBytes };
}

/** Parses `Name:   1234 kB` lines into bytes by name; lines without a unit are counts. */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([\w()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (!match) continue;
    const value = Number(match[2]);
    fields.set(match[1] as string, line.trimEnd().endsWith('kB') ? value * 1024 : value);
  }
  return fields;
}
