import path from 'node:path';
import type { ContainerInfo, DockerEngine } from '../docker/types.js';
import {
  readCommandLines,
  readCwd,
  readPidNamespace,
  readProcess,
  readProcesses,
  type ProcessEntry,
} from './proc.js';
import { hostPathInContainer } from './mounts.js';

/** The container a process runs in, as reports show it. */
export interface ContainerRef {
  id: string;
  name: string;
  service: string;
  hostname: string;
  /** Whether the container runs with an init process (`HostConfig.Init`). */
  init: boolean;
}

/** A Chromium browser (main) process: one per profile in use. */
export interface BrowserProcess {
  /** Pid in the pid namespace of the scanned /proc (the host's). */
  pid: number;
  /** Pid inside the process's own pid namespace, as its SingletonLock names it. */
  namespacePid: number;
  pidNamespace: string | null;
  /** Whether the process is in the pid namespace of the scanned /proc rather than a nested one. */
  onHost: boolean;
  executable: string;
  /** `--user-data-dir` as the process sees it (a container path for a container's process). */
  userDataDir: string;
  /** The same folder on this machine, or null when it cannot be translated. */
  hostPath: string | null;
  container: ContainerRef | null;
}

/** A zombie browser-related process, attributed to a container through its parent. */
export interface DefunctProcess {
  pid: number;
  ppid: number;
  comm: string;
  container: ContainerRef | null;
}

export interface BrowserScan {
  browsers: BrowserProcess[];
  defunct: DefunctProcess[];
  /** Running containers known to the engine; empty when it could not be reached. */
  containers: ContainerInfo[];
  /** Whether processes in nested pid namespaces could be matched to containers. */
  containersMatched: boolean;
  problems: string[];
}

export interface ScanOptions {
  procRoot: string;
  /** The engine to match container processes; undefined scans this machine only. */
  docker?: () => DockerEngine;
  /**
   * Whether to look for defunct processes, true by default. Without them the
   * scan reads only `cmdline` of each process, and the rest of a browser's
   * files, which makes it several times faster.
   */
  defunct?: boolean;
  signal?: AbortSignal;
}

const browserNames = new Set(['chrome', 'chromium', 'headless_shell', 'chrome-headless-shell']);
/** `comm` values of browser processes; `comm` is cut at 15 characters by the kernel. */
const browserComms = new Set(['chrome', 'chromium', 'headless_shell', 'chrome-headless']);

/** Checks whether `argv0` names a Chromium browser binary, not Debian's /usr/bin/chromium shell wrapper. */
export function isBrowserExecutable(argv0: string): boolean {
  if (argv0 === '/usr/lib/chromium/chromium') return true;
  return browserNames.has(path.posix.basename(argv0));
}

/**
 * Splits a browser's arguments. Chromium's child processes rewrite their
 * `cmdline` as one space-separated string, so a single argument containing
 * " --" is split at spaces. A main process keeps NUL-separated arguments.
 */
export function normalizeArgv(argv: string[]): string[] {
  if (argv.length === 1 && argv[0]?.includes(' --')) return argv[0].split(' ');
  return argv;
}

/** Reads the value of `--user-data-dir=<path>`, or undefined when absent. */
export function userDataDirOf(argv: string[]): string | undefined {
  const flag = argv.filter((argument) => argument.startsWith('--user-data-dir=')).at(-1);
  return flag?.slice('--user-data-dir='.length);
}

/** Checks whether `argv` is a browser main process: a browser binary with no `--type=` argument. */
export function isBrowserMain(argv: string[]): boolean {
  const [argv0] = argv;
  if (argv0 === undefined || !isBrowserExecutable(argv0)) return false;
  return !argv.some((argument) => argument.startsWith('--type='));
}

/**
 * Scans `procRoot` for Chromium browser processes and their profile folders,
 * and for defunct browser processes. Container processes are matched to
 * containers by pid namespace and their paths translated through the
 * container's mounts. When the engine cannot be reached, they are reported
 * without a container and `problems` records why.
 */
export async function scanBrowsers(options: ScanOptions): Promise<BrowserScan> {
  const withDefunct = options.defunct ?? true;
  const processes = withDefunct
    ? await readProcesses(options.procRoot, options.signal)
    : await readBrowserMains(options.procRoot, options.signal);
  const problems: string[] = [];
  const containers = await runningContainers(options, problems);
  const byNamespace = await namespacesOf(options.procRoot, containers);

  const found: Array<{ browser: BrowserProcess; ppid: number }> = [];
  for (const entry of processes) {
    const browser = await toBrowser(entry, byNamespace, options.procRoot);
    if (browser) found.push({ browser, ppid: entry.ppid });
  }
  const browsers = withoutForkedChildren(found);
  const defunct = withDefunct ? findDefunct(processes, byNamespace) : [];
  const containersMatched = options.docker !== undefined && problems.length === 0;
  return { browsers, defunct, containers, containersMatched, problems };
}

/**
 * Drops processes that a browser has just forked and that have not yet run
 * exec: until then a child shows its parent's arguments, so it looks like a
 * second browser on the same folder.
 */
function withoutForkedChildren(
  found: Array<{ browser: BrowserProcess; ppid: number }>,
): BrowserProcess[] {
  const folderOf = new Map(found.map(({ browser }) => [browser.pid, browser.userDataDir]));
  return found
    .filter(({ browser, ppid }) => folderOf.get(ppid) !== browser.userDataDir)
    .map(({ browser }) => browser);
}

/** Reads the processes whose arguments make them browser main processes with a profile folder. */
async function readBrowserMains(procRoot: string, signal?: AbortSignal): Promise<ProcessEntry[]> {
  const commandLines = await readCommandLines(procRoot, signal);
  const mains = commandLines.filter(({ argv }) => {
    const normalized = normalizeArgv(argv);
    return isBrowserMain(normalized) && userDataDirOf(normalized) !== undefined;
  });
  const entries = await Promise.all(mains.map(({ pid }) => readProcess(procRoot, pid)));
  return entries.filter((entry): entry is ProcessEntry => entry !== undefined);
}

async function runningContainers(options: ScanOptions, problems: string[]) {
  if (!options.docker) return [];
  try {
    const byHostname = await options.docker().runningHostnames({ signal: options.signal });
    return [...byHostname.values()];
  } catch (error) {
    problems.push(
      `container processes could not be matched to containers: ${(error as Error).message}`,
    );
    return [];
  }
}

async function namespacesOf(
  procRoot: string,
  containers: ContainerInfo[],
): Promise<Map<string, ContainerInfo>> {
  const byNamespace = new Map<string, ContainerInfo>();
  for (const container of containers) {
    if (container.pid === null) continue;
    const namespace = await readPidNamespace(procRoot, container.pid);
    if (namespace) byNamespace.set(namespace, container);
  }
  return byNamespace;
}

async function toBrowser(
  entry: ProcessEntry,
  byNamespace: Map<string, ContainerInfo>,
  procRoot: string,
): Promise<BrowserProcess | undefined> {
  const argv = normalizeArgv(entry.argv);
  if (entry.state === 'Z' || !isBrowserMain(argv)) return undefined;
  const flag = userDataDirOf(argv);
  if (flag === undefined || flag === '') return undefined;

  const userDataDir = path.posix.isAbsolute(flag)
    ? path.posix.normalize(flag)
    : path.posix.resolve((await readCwd(procRoot, entry.pid)) ?? '/', flag);
  const onHost = entry.namespaceLevels === 1;
  const info = onHost || !entry.pidNamespace ? undefined : byNamespace.get(entry.pidNamespace);
  let hostPath: string | null = null;
  if (onHost) hostPath = userDataDir;
  else if (info) hostPath = hostPathInContainer(info.mounts, userDataDir);

  return {
    pid: entry.pid,
    namespacePid: entry.namespacePid,
    pidNamespace: entry.pidNamespace,
    onHost,
    executable: argv[0] as string,
    userDataDir,
    hostPath,
    container: info ? containerRef(info) : null,
  };
}

function findDefunct(
  processes: ProcessEntry[],
  byNamespace: Map<string, ContainerInfo>,
): DefunctProcess[] {
  const byPid = new Map(processes.map((entry) => [entry.pid, entry]));
  return processes
    .filter((entry) => entry.state === 'Z' && browserComms.has(entry.comm))
    .map((entry) => {
      const parentNamespace = byPid.get(entry.ppid)?.pidNamespace;
      const info = parentNamespace ? byNamespace.get(parentNamespace) : undefined;
      return {
        pid: entry.pid,
        ppid: entry.ppid,
        comm: entry.comm,
        container: info ? containerRef(info) : null,
      };
    });
}

export function containerRef(info: ContainerInfo): ContainerRef {
  return {
    id: info.id,
    name: info.name,
    service: info.service,
    hostname: info.hostname,
    init: info.init,
  };
}
