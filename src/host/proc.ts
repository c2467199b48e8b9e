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
    const status = parseStatus(await readFile(path.join(folder, 'status'), 'utf8'));
    const argv = splitCmdline(await readFile(path.join(folder, 'cmdline')));
    return {
      pid,
      ppid: Number(status.get('PPid') ?? 0),
      state: (status.get('State') ?? '?').charAt(0),
      comm: status.get('Name') ?? '',
      argv,
      namespacePid: innermostPid(status.get('NSpid')) ?? pid,
      namespaceLevels: status.get('NSpid')?.split(/\s+/).length ?? 1,
      pidNamespace: await readPidNamespace(procRoot, pid),
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

/** Reads every process under `procRoot`, skipping those that exit during the scan. */
export async function readProcesses(
  procRoot: string,
  signal?: AbortSignal,
): Promise<ProcessEntry[]> {
  const entries: ProcessEntry[] = [];
  for (const pid of await listPids(procRoot)) {
    signal?.throwIfAborted();
    const entry = await readProcess(procRoot, pid);
    if (entry) entries.push(entry);
  }
  return entries;
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
