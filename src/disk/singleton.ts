import { readlink, rm } from 'node:fs/promises';
import path from 'node:path';

/** The links Chromium's process singleton keeps in a profile folder while a browser runs. */
const singletonLinks = ['SingletonLock', 'SingletonCookie', 'SingletonSocket'];
/** The temporary folder Chromium (or Chrome) makes for the SingletonSocket. */
const socketDirName = /^(org\.chromium\.Chromium|com\.google\.Chrome)\.[A-Za-z0-9]{6}$/;

/**
 * Removes the process-singleton links from a profile folder whose browser is
 * gone. With `socketDir`, it also removes the temporary folder the
 * SingletonSocket link points to: Chromium deletes it only on a clean exit,
 * so each browser killed with SIGKILL would leave one behind. Pass
 * `socketDir` only when the browser ran on this machine, where that path
 * means the same folder.
 */
export async function removeSingletonFiles(
  folder: string,
  options: { socketDir: boolean },
): Promise<void> {
  if (options.socketDir) await removeSocketDir(folder);
  await Promise.all(singletonLinks.map((name) => rm(path.join(folder, name), { force: true })));
}

/**
 * Removes the temporary folder a profile's SingletonSocket link points to,
 * when the link names one Chromium made, and keeps the links.
 */
export async function removeSocketDir(folder: string): Promise<void> {
  const socketDir = await readSocketDir(folder);
  if (socketDir) await rm(socketDir, { recursive: true, force: true });
}

/**
 * Reads the temporary folder a profile's SingletonSocket link points to, or
 * null when there is no link or it names no folder Chromium made.
 */
export async function readSocketDir(folder: string): Promise<string | null> {
  let target: string;
  try {
    target = await readlink(path.join(folder, 'SingletonSocket'));
  } catch {
    return null;
  }
  const dir = path.dirname(target);
  const isSocketDir =
    path.isAbsolute(target) &&
    path.basename(target) === 'SingletonSocket' &&
    socketDirName.test(path.basename(dir));
  return isSocketDir ? dir : null;
}
