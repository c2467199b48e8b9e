import { accessSync, constants, readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Debian's wrapper script; puppeteer gets it as executablePath. */
export const chromiumExecutable = '/usr/bin/chromium';

/** Flags for every Chromium a test launches: no sandbox (root), no GPU, no outside traffic. */
export const sandboxChromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND',
];

/** Throws a message naming the package to install when Chromium is missing. */
export function requireChromiumExecutable(): void {
  try {
    accessSync(chromiumExecutable, constants.X_OK);
  } catch {
    throw new Error(`${chromiumExecutable} not found; install chromium: apt-get install chromium`);
  }
}

/** Pids of live processes whose command line contains `--user-data-dir=<userDataDir>`. */
export function chromiumPidsFor(userDataDir: string): number[] {
  const flag = `--user-data-dir=${userDataDir}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // the process ended while we listed /proc
    }
    // A zombie's cmdline is empty, so only running processes match.
    if (argv.includes(flag)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Pids of browser main processes on `userDataDir`: the Chromium binary
 * (/usr/lib/chromium/chromium, which Debian's wrapper runs) with that profile
 * and no `--type=` argument, which its helper processes carry.
 */
export function browserMainPidsFor(userDataDir: string): number[] {
  return chromiumPidsFor(userDataDir).filter((pid) => {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== '/usr/lib/chromium/chromium') return false;
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return !argv.some((argument) => argument.startsWith('--type='));
    } catch {
      return false; // the process ended while /proc was read
    }
  });
}
