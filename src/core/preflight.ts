import { hostname } from 'node:os';
import path from 'node:path';
import type { Logger } from './logger.js';
import { groupByFilesystem } from '../disk/filesystem.js';
import { judgeLock, readSingletonLock } from '../disk/locks.js';
import { removeSingletonFiles } from '../disk/singleton.js';
import { WrError } from '../errors.js';
import { scanBrowsers, type BrowserProcess, type BrowserScan } from '../host/browsers.js';
import { formatBytes, formatPercent } from '../output/format.js';

export interface PreflightOptions {
  /** The session folder Chromium will use as its profile. */
  sessionDir: string;
  /** The LocalAuth dataPath holding the session folders. */
  credentialsDir: string;
  /** Minimum free space on the credentials filesystem, in percent of its size. */
  diskFreePercent: number;
  procRoot: string;
  logger: Logger;
  /** Whether this process's own browser left the folder just before, as in a reset. */
  afterOwnClose?: boolean;
}

/**
 * Checks that a browser may be launched on `sessionDir`: enough free space,
 * no browser already on the folder, and no live SingletonLock. Removes a stale
 * lock. Throws WrError naming the folder and the reason otherwise. With
 * `afterOwnClose` and no lock, it skips the /proc scan for browsers.
 */
export async function preflight(options: PreflightOptions): Promise<void> {
  await requireFreeSpace(options);
  // A running Chromium has the folder's SingletonLock. With no lock after this
  // process's own browser closed, only a browser launched in these milliseconds
  // could use the folder, and Chromium's lock lets only one of two launches run.
  if (options.afterOwnClose && !(await readSingletonLock(options.sessionDir))) return;

  const scan = await scanBrowsers({ procRoot: options.procRoot, defunct: false });
  const holder = scan.browsers.find((browser) => usesFolder(browser, options.sessionDir));
  if (holder) throw profileInUse(options.sessionDir, holder.pid);
  await clearStaleLock(options, scan);
}

/** Lists the browser main processes visible in `procRoot` whose profile is `folder`. */
export async function browsersUsing(folder: string, procRoot: string): Promise<BrowserProcess[]> {
  const scan = await scanBrowsers({ procRoot, defunct: false });
  return scan.browsers.filter((browser) => usesFolder(browser, folder));
}

function usesFolder(browser: BrowserProcess, folder: string): boolean {
  return browser.hostPath === path.resolve(folder);
}

async function requireFreeSpace(options: PreflightOptions): Promise<void> {
  const [filesystem] = await groupByFilesystem([options.credentialsDir], {
    procRoot: options.procRoot,
  });
  if (!filesystem || filesystem.total === 0) return;

  const freeRatio = filesystem.available / filesystem.total;
  if (freeRatio * 100 >= options.diskFreePercent) return;
  throw new WrError(
    'DISK_LOW',
    `not starting a browser on ${options.sessionDir}: only ${formatBytes(filesystem.available)} ` +
      `free of ${formatBytes(filesystem.total)} (${formatPercent(freeRatio)}) on ` +
      `${filesystem.mount ?? filesystem.device}, under the ${options.diskFreePercent}% threshold. ` +
      'Chromium deletes a session database it cannot write, which loses the WhatsApp login',
    { hint: 'free space first (wr prune-credentials), then start the connection again' },
  );
}

async function clearStaleLock(options: PreflightOptions, scan: BrowserScan): Promise<void> {
  const lock = await readSingletonLock(options.sessionDir);
  if (!lock) return;

  const verdict = judgeLock(lock, { hostname: hostname(), scan }, (browser) =>
    usesFolder(browser, options.sessionDir),
  );
  if (verdict.state === 'live') throw profileInUse(options.sessionDir, lock.pid);

  // NOTE: an "unknown" verdict means the lock names another hostname and no
  // container engine was asked. The lock is removed like a stale one, because
  // no browser in this pid namespace uses the folder and the core launches its
  // browsers here. A browser in another container that shares the volume
  // cannot be seen from here.
  // The socket folder a lock of this machine names is this machine's /tmp.
  await removeSingletonFiles(options.sessionDir, { socketDir: lock.hostname === hostname() });
  options.logger.warn(
    { folder: options.sessionDir, lock: lock.target, verdict: verdict.state },
    `removed ${verdict.state} SingletonLock: ${verdict.reason}`,
  );
}

function profileInUse(folder: string, pid: number | null): WrError {
  return new WrError(
    'PROFILE_IN_USE',
    `session folder ${folder} is in use by browser pid ${pid ?? 'unknown'}`,
    {
      hint: `stop the process that runs it (kill ${pid ?? '<pid>'}), or run wr doctor --check credentials`,
    },
  );
}
