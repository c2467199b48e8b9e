import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the Chromium executable adds before the arguments it is given. */
export interface ExecutableInfo {
  executablePath: string;
  /** The browser binary that runs: the executable itself, or the one a wrapper script execs. */
  browserPath: string;
  /** Flags a wrapper script adds, such as those of Debian's /etc/chromium.d; [] for a binary. */
  wrapperFlags: string[];
  /** What `--version` printed, such as "Chromium 156.0.8078.114 built on Debian ...". */
  version: string | null;
}

/**
 * Reads what launching `executablePath` adds. Debian's /usr/bin/chromium is a
 * shell script that sources /etc/chromium.d and execs
 * /usr/lib/chromium/chromium with the flags it gathered, so it runs the
 * script with `sh -x ... --version` and reads the traced `exec` line. That
 * runs Chromium only to print its version. Other executables run with
 * `--version` alone.
 */
export async function inspectExecutable(
  executablePath: string,
  signal: AbortSignal,
): Promise<ExecutableInfo> {
  const head = await readHead(executablePath);
  const wrapper = head.startsWith('#!') && head.includes('/etc/chromium.d');
  const command = wrapper
    ? ['sh', ['-x', executablePath, '--version']]
    : [executablePath, ['--version']];
  const { stdout, stderr } = await run(command[0] as string, command[1] as string[], {
    signal,
    timeout: 10_000,
  });
  const version = stdout.trim() || null;
  if (!wrapper) return { executablePath, browserPath: executablePath, wrapperFlags: [], version };
  const traced = parseExecTrace(stderr);
  if (traced === null) {
    throw new Error(`${executablePath} ran without tracing an exec of the browser`);
  }
  return { executablePath, ...traced, version };
}

/**
 * Finds the last `+ exec <browser> <flags...> --version` line of an `sh -x`
 * trace. NOTE: the trace does not quote words, so a wrapper flag containing
 * a space would be split in two; Debian's flags contain none.
 */
export function parseExecTrace(
  trace: string,
): Pick<ExecutableInfo, 'browserPath' | 'wrapperFlags'> | null {
  const line = trace
    .split('\n')
    .reverse()
    .find((text) => text.startsWith('+ exec ') && text.endsWith(' --version'));
  if (line === undefined) return null;
  const words = line.slice('+ exec '.length).split(/\s+/);
  return { browserPath: words[0]!, wrapperFlags: words.slice(1, -1) };
}

/** Returns the first 4 KiB of a file as text. */
async function readHead(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
}
