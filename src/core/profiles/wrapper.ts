import { execFile } from 'node:child_process';
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Chromium executable and the browser argv it makes of a list of arguments. */
export interface ExecutableInfo {
  executablePath: string;
  /** The browser binary that runs: the executable itself, or the one a wrapper script execs. */
  browserPath: string;
  /** Flags a wrapper script adds, such as those of Debian's /etc/chromium.d; [] for a binary. */
  wrapperFlags: string[];
  /** The browser's argv for the given arguments: binary, wrapper flags, then the arguments as the wrapper orders them. */
  argv: string[];
  /** The output of `--version`, such as "Chromium 156.0.8078.114 built on Debian ...". */
  version: string | null;
}

/** Words that Debian's wrapper matches exactly. It sorts every other word only by a leading `--`. */
const wrapperKeywords = [
  '-h',
  '--help',
  '-help',
  '-g',
  '--debug',
  '--temp-profile',
  '--enable-remote-extensions',
  '--',
];

/**
 * Finds what launching `executablePath` with `args` runs. Debian's
 * /usr/bin/chromium is a shell script that sources /etc/chromium.d, moves the
 * flags before the first non-flag argument behind the others, and execs
 * /usr/lib/chromium/chromium with the flags it gathered. So this runs the
 * script with `sh -x`, stand-in words for `args` and `--version`, and reads
 * the traced `exec` line: the browser only prints its version. Other
 * executables run with `--version` alone.
 */
export async function inspectExecutable(
  executablePath: string,
  args: readonly string[],
  signal: AbortSignal,
): Promise<ExecutableInfo> {
  const head = await readHead(executablePath);
  const wrapper = head.startsWith('#!') && head.includes('/etc/chromium.d');
  if (!wrapper) {
    const { stdout } = await run(executablePath, ['--version'], { signal, timeout: 10_000 });
    const argv = [executablePath, ...args];
    return {
      executablePath,
      browserPath: executablePath,
      wrapperFlags: [],
      argv,
      version: stdout.trim() || null,
    };
  }

  const standIns = args.map(standIn);
  const { stdout, stderr } = await run('sh', ['-x', executablePath, ...standIns, '--version'], {
    signal,
    timeout: 10_000,
  });
  const traced = parseExecTrace(
    stderr,
    new Map(standIns.map((word, index) => [word, args[index]!])),
  );
  if (traced === null) {
    throw new Error(`${executablePath} ran without tracing an exec of the browser`);
  }
  return { executablePath, ...traced, version: stdout.trim() || null };
}

/**
 * A word without spaces that the wrapper classifies as it would `argument`,
 * because the `sh -x` trace does not quote words.
 */
function standIn(argument: string, index: number): string {
  if (wrapperKeywords.includes(argument)) return argument;
  return argument.startsWith('--') ? `--wr-argument-${index}` : `wr-argument-${index}`;
}

/**
 * Reads the last `+ exec <browser> <words...>` line of an `sh -x` trace of
 * the wrapper, maps stand-in words back to the arguments in `originals` and
 * drops the `--version` that was added. Wrapper flags are the words before
 * the first argument. NOTE: the trace does not quote words, so a wrapper flag
 * containing a space would be split in two; Debian's flags contain none.
 */
export function parseExecTrace(
  trace: string,
  originals: ReadonlyMap<string, string>,
): Pick<ExecutableInfo, 'browserPath' | 'wrapperFlags' | 'argv'> | null {
  const line = trace
    .split('\n')
    .reverse()
    .find((text) => text.startsWith('+ exec '));
  if (line === undefined) return null;
  const [browserPath, ...words] = line.slice('+ exec '.length).trim().split(/\s+/);
  const versionIndex = words.lastIndexOf('--version');
  if (browserPath === undefined || versionIndex === -1) return null;
  words.splice(versionIndex, 1);

  const firstArgument = words.findIndex((word) => originals.has(word));
  const wrapperFlags = firstArgument === -1 ? words : words.slice(0, firstArgument);
  const argv = [browserPath, ...words.map((word) => originals.get(word) ?? word)];
  return { browserPath, wrapperFlags, argv };
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
