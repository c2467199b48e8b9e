import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors.js';

/** One process as read from `/proc/<pid>`. */
export interface ProcessEntry {
  /** Pid in the namespace of `procRoot` (the host's, for /proc). */
  pid: number;
  ppid: number;
  /** One-letter state from `status`: R, S, D, Z (zombie), T, ... */
  state: string;
  /** `comm`: the executable name truncated to 15 characters. */
  comm: string;
  /** Arguments from `cmdline`; empty for zombies and kernel threads. */
  argv: string[];
  /** Pid in the process's own (innermost) pid namespace, from the last `NSpid` field. */
  namespacePid: number;
  /** Number of pid namespaces the process is seen in (`NSpid` fields); 1 means the one of `procRoot`. */
  namespaceLevels: number;
  /** Inode of the pid namespace (`ns/pid` -> `pid:[inode]`), or null when it cannot be read. */
  pidNamespace: string | null;
}

/** Lists the numeric entries of `procRoot`, that is the pids visible there. */
export async function listPids(procRoot: string): Promise<number[]> {
  const names = await readdir(procRoot);
  return names.filter((name) => /^\d+$/.test(name)).map(Number);
}

/**
 * Reads one process, or returns undefined when it exited while being read
 * (ENOENT or ESRCH), which is normal during a scan.
 */
export async function readProcess(
  procRoot: string,
  pid: number,
): Promise<ProcessEntry | undefined> {
  const folder = path.join(procRoot, String(pid));
  try {
    const [statusText, cmdline, pidNamespace] = await Promise.all([
      readFile(path.join(folder, 'status'), 'utf8'),
      readFile(path.join(folder, 'cmdline')),
      readPidNamespace(procRoot, pid),
    ]);
    const status = parseStatus(statusText);
    return {
      pid,
      ppid: Number(status.get('PPid') ?? 0),
      state: (status.get('State') ?? '?').charAt(0),
      comm: status.get('Name') ?? '',
      argv: splitCmdline(cmdline),
      namespacePid: innermostPid(status.get('NSpid')) ?? pid,
      namespaceLevels: status.get('NSpid')?.split(/\s+/).length ?? 1,
      pidNamespace,
    };
  } catch (error) {
    if (isVanished(error)) return undefined;
    throw error;
  }
}

/** Reads `ns/pid` of a process as its namespace inode, or null when unreadable (zombie, exited). */
export async function readPidNamespace(procRoot: string, pid: number): Promise<string | null> {
  try {
    const link = await readlink(path.join(procRoot, String(pid), 'ns', 'pid'));
    return /^pid:\[(\d+)\]$/.exec(link)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Reads the current working directory of a process, relative to that process's root. */
export async function readCwd(procRoot: string, pid: number): Promise<string | null> {
  try {
    return await readlink(path.join(procRoot, String(pid), 'cwd'));
  } catch {
    return null;
  }
}

/**
 * Number of processes read at once. Each read of a /proc file takes a few
 * round trips through the thread pool, so reading one process after another
 * is slow. Reading many at once keeps the pool busy.
 */
const readConcurrency = 32;

/**
 * Calls `read` for every pid under `procRoot`, many at once, and returns the
 * results in pid order without the undefined ones (processes that exited).
 */
export async function mapProcesses<T>(
  procRoot: string,
  read: (pid: number) => Promise<T | undefined>,
  signal?: AbortSignal,
): Promise<T[]> {
  const pids = await listPids(procRoot);
  const results = new Array<T | undefined>(pids.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pids.length) {
      signal?.throwIfAborted();
      const index = next;
      next += 1;
      results[index] = await read(pids[index] as number);
    }
  };
  await Promise.all(Array.from({ length: Math.min(readConcurrency, pids.length) }, worker));
  return results.filter((result): result is T => result !== undefined);
}

/** Reads every process under `procRoot`, in pid order, skipping those that exit during the scan. */
export function readProcesses(procRoot: string, signal?: AbortSignal): Promise<ProcessEntry[]> {
  return mapProcesses(procRoot, (pid) => readProcess(procRoot, pid), signal);
}

/** Reads the parent of every process under `procRoot`, from `status` alone. */
export function readParents(procRoot: string): Promise<Array<{ pid: number; ppid: number }>> {
  return mapProcesses(procRoot, async (pid) => {
    const status = await readProcFile(procRoot, pid, 'status');
    return status === undefined
      ? undefined
      : { pid, ppid: Number(parseStatus(status.toString('utf8')).get('PPid') ?? 0) };
  });
}

/** Reads the arguments of every process under `procRoot`, from `cmdline` alone. */
export function readCommandLines(
  procRoot: string,
  signal?: AbortSignal,
): Promise<Array<{ pid: number; argv: string[] }>> {
  return mapProcesses(
    procRoot,
    async (pid) => {
      const cmdline = await readProcFile(procRoot, pid, 'cmdline');
      return cmdline === undefined ? undefined : { pid, argv: splitCmdline(cmdline) };
    },
    signal,
  );
}

/** Reads the process group of `pid` from `stat`, or returns undefined when the process exited. */
export async function readProcessGroup(procRoot: string, pid: number): Promise<number | undefined> {
  const stat = await readProcFile(procRoot, pid, 'stat');
  return stat === undefined ? undefined : parseStat(stat.toString('utf8')).pgrp;
}

/** Lists the running processes of group `pgid`, from `stat`. */
export async function readGroupMembers(procRoot: string, pgid: number): Promise<number[]> {
  return mapProcesses(procRoot, async (pid) => {
    const stat = await readProcFile(procRoot, pid, 'stat');
    if (stat === undefined) return undefined;
    const { state, pgrp } = parseStat(stat.toString('utf8'));
    return pgrp === pgid && isRunning(state) ? pid : undefined;
  });
}

/** Parses the state and process group of `/proc/<pid>/stat` ("pid (comm) S ppid pgrp ..."). */
export function parseStat(text: string): { state: string; pgrp: number } {
  // The command name may contain spaces and parentheses, so fields start after the last ")".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
}

/** Checks whether a process state letter is one of a process that still runs: not Z (zombie) or X (dead). */
export function isRunning(state: string): boolean {
  return state !== 'Z' && state !== 'X';
}

/** Reads `/proc/<pid>/<name>`, or returns undefined when the process exited. */
async function readProcFile(
  procRoot: string,
  pid: number,
  name: string,
): Promise<Buffer | undefined> {
  try {
    return await readFile(path.join(procRoot, String(pid), name));
  } catch (error) {
    if (isVanished(error)) return undefined;
    throw error;
  }
}

/** Parses `/proc/<pid>/status` lines (`Key:\tvalue`) into a map. */
export function parseStatus(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** Splits a NUL-separated `cmdline` into arguments. */
export function splitCmdline(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  const parts = text.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

function innermostPid(nspid: string | undefined): number | undefined {
  const last = nspid?.split(/\s+/).at(-1);
  return last && /^\d+$/.test(last) ? Number(last) : undefined;
}

function isVanished(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ESRCH';
}
