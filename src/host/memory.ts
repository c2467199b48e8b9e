import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors.js';
import { parseStatus, readParents } from './proc.js';

/** Memory of a process tree, in bytes; a figure is null when a process's file could not be read. */
export interface TreeMemory {
  pids: number[];
  pssBytes: number | null;
  rssBytes: number | null;
  /** Figures that could not be read and why, such as smaps_rollup without CAP_SYS_PTRACE. */
  unreadable: string[];
}

/**
 * Lists `rootPid` and its descendants from `procRoot`, root first. Returns an
 * empty list when the root process no longer exists.
 */
export async function processTree(procRoot: string, rootPid: number): Promise<number[]> {
  const processes = await readParents(procRoot);
  const children = new Map<number, number[]>();
  for (const entry of processes) {
    children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry.pid]);
  }
  if (!processes.some((entry) => entry.pid === rootPid)) return [];

  const tree: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * Sums PSS (from `smaps_rollup`) and RSS (`VmRSS` from `status`) over `pids`.
 * PSS splits shared pages between the processes that map them, so it is the
 * fair share of one browser; RSS counts shared pages once per process. Reading
 * another user's smaps_rollup needs root or CAP_SYS_PTRACE: a figure that
 * could not be read for some process makes the sum null and is listed in
 * `unreadable`, rather than reported too low. Processes that exit while being
 * read are left out.
 */
export async function readTreeMemory(procRoot: string, pids: number[]): Promise<TreeMemory> {
  const result: TreeMemory = { pids: [], pssBytes: 0, rssBytes: 0, unreadable: [] };
  for (const pid of pids) {
    const rss = await readField(procRoot, pid, 'status', 'VmRSS');
    const pss = await readField(procRoot, pid, 'smaps_rollup', 'Pss');
    if (rss.kind === 'gone') continue;
    result.pids.push(pid);
    result.rssBytes = addFigure(result.rssBytes, rss, pid, 'RSS', result.unreadable);
    result.pssBytes = addFigure(result.pssBytes, pss, pid, 'PSS', result.unreadable);
  }
  return result;
}

type Figure =
  { kind: 'value'; bytes: number } | { kind: 'gone' } | { kind: 'unreadable'; why: string };

function addFigure(
  sum: number | null,
  figure: Figure,
  pid: number,
  label: string,
  unreadable: string[],
): number | null {
  if (figure.kind === 'value') return sum === null ? null : sum + figure.bytes;
  if (figure.kind === 'unreadable') unreadable.push(`${label} of pid ${pid}: ${figure.why}`);
  return figure.kind === 'gone' ? sum : null;
}

/** Reads a `Key: <n> kB` line of /proc/<pid>/<file> as bytes. */
async function readField(
  procRoot: string,
  pid: number,
  file: string,
  key: string,
): Promise<Figure> {
  const location = path.join(procRoot, String(pid), file);
  let text: string;
  try {
    text = await readFile(location, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ESRCH' || (code === 'ENOENT' && file === 'status')) return { kind: 'gone' };
    if (code === 'EACCES' || code === 'EPERM') {
      return { kind: 'unreadable', why: `${file} needs root or CAP_SYS_PTRACE` };
    }
    return { kind: 'unreadable', why: `${file} could not be read (${code ?? String(error)})` };
  }
  // Zombies and kernel threads have an empty smaps_rollup and no VmRSS: they hold no user memory.
  if (text.trim() === '') return { kind: 'value', bytes: 0 };
  const value = parseStatus(text).get(key);
  if (value === undefined) {
    return file === 'status'
      ? { kind: 'value', bytes: 0 }
      : { kind: 'unreadable', why: `no ${key} in ${file}` };
  }
  return { kind: 'value', bytes: kibibytes(value) };
}

function kibibytes(value: string): number {
  const match = /^(\d+)\s*kB$/.exec(value);
  return match ? Number(match[1]) * 1024 : 0;
}
