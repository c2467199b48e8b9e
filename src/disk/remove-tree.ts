import { lstat, readdir, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors.js';

/** An entry that could not be removed, with the error code of the failed call. */
export interface RemovalFailure {
  path: string;
  code: string;
}

/** The entries left in a folder after its deletion failed part-way. */
export interface RemainingEntries {
  /** Entries left under the folder, the folder itself not counted. */
  count: number;
  /** Up to `maxListed` of the remaining entries that contain nothing left, in walk order. */
  examples: string[];
}

const maxListed = 3;

/**
 * Deletes a folder and everything under it without following symlinks, like
 * `rm -rf`. An entry that cannot be removed is recorded and left in place,
 * with its parents, while its siblings are still removed. Returns the
 * failures in the order they happened, empty when the folder is gone. For a
 * file that unlink rejects with EPERM (an immutable file), `fs.rm` of Node
 * 20.20 reports ENOTDIR from scandir instead, so this keeps its own codes.
 */
export async function removeTree(target: string): Promise<RemovalFailure[]> {
  const failures: RemovalFailure[] = [];
  await removeEntry(target, failures);
  return failures;
}

/** Removes one entry; returns whether it is gone. */
async function removeEntry(entry: string, failures: RemovalFailure[]): Promise<boolean> {
  const attempt = async (operation: () => Promise<unknown>): Promise<boolean> => {
    try {
      await operation();
      return true;
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT') return true;
      failures.push({ path: entry, code: code ?? (error as Error).message });
      return false;
    }
  };

  let isDirectory = false;
  if (!(await attempt(async () => (isDirectory = (await lstat(entry)).isDirectory())))) {
    return false;
  }
  if (!isDirectory) return attempt(() => unlink(entry));

  let names: string[] = [];
  if (!(await attempt(async () => (names = await readdir(entry))))) return false;
  const removed = await Promise.all(
    names.map((name) => removeEntry(path.join(entry, name), failures)),
  );
  // A folder with entries left would only fail again with ENOTEMPTY, which hides the cause.
  if (removed.includes(false)) return false;
  return attempt(() => rmdir(entry));
}

/** Counts the entries left under `folder` and names a few of those that contain nothing left. */
export async function listRemaining(folder: string): Promise<RemainingEntries> {
  const remaining: RemainingEntries = { count: 0, examples: [] };
  await walkRemaining(folder, remaining);
  return remaining;
}

async function walkRemaining(folder: string, remaining: RemainingEntries): Promise<void> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    // The folder is gone or cannot be listed; its entries are not counted.
    return;
  }
  for (const entry of entries) {
    const entryPath = path.join(folder, entry.name);
    remaining.count += 1;
    const before = remaining.count;
    if (entry.isDirectory()) await walkRemaining(entryPath, remaining);
    const isLeaf = remaining.count === before;
    if (isLeaf && remaining.examples.length < maxListed) remaining.examples.push(entryPath);
  }
}
