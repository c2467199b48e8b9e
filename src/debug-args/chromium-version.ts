import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { errnoCode, WrError } from '../errors.js';

const run = promisify(execFile);

/** Reads the Chromium version that last wrote `sessionDir` (its `Last Version` file), or null. */
export async function sessionChromiumVersion(sessionDir: string): Promise<string | null> {
  try {
    const text = await readFile(path.join(sessionDir, 'Last Version'), 'utf8');
    return text.trim() || null;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Runs `<executable> --version` and returns its dotted version, such as 156.0.8078.114. */
export async function localChromiumVersion(executable: string): Promise<string> {
  const { stdout } = await run(executable, ['--version'], { timeout: 10_000 });
  const version = /(\d+(?:\.\d+)+)/.exec(stdout)?.[1];
  if (version === undefined) {
    throw new WrError('CHROMIUM_VERSION', `no version in the output of ${executable} --version`, {
      hint: 'set chromium.executablePath to a Chromium binary',
    });
  }
  return version;
}

/** Compares dotted versions: negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Raises an error when `sessionDir` was last written by a newer Chromium
 * than `executable`, because opening it with an older one can corrupt it.
 */
export async function rejectNewerSession(sessionDir: string, executable: string): Promise<void> {
  const written = await sessionChromiumVersion(sessionDir);
  if (written === null) return;
  const local = await localChromiumVersion(executable);
  if (compareVersions(written, local) <= 0) return;
  throw new WrError(
    'SESSION_NEWER_CHROMIUM',
    `${sessionDir} was written by Chromium ${written}, newer than the local ${local}; an older Chromium can corrupt it`,
    {
      hint: 'run wr debug-args on a machine with that Chromium or newer, or pass --force to open it anyway',
    },
  );
}
