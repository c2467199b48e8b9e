import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { configSchema } from '../../src/config/schema.js';
import type { Context } from '../../src/context.js';

/** Names of the entries `buildAdversarialTree` creates under the credentials folder. */
export const adversarial = {
  linkOut: 'session-link-out',
  linkInside: 'session-has-link-out',
  space: 'session-with space',
  newline: 'session-new\nline',
  unicode: 'session-ünïcødé-会话',
  leadingDash: '-rf',
  plainFile: 'session-plain-file',
  staleHost: 'session-stale-host',
  staleContainer: 'session-stale-container',
  bareSession: 'session',
} as const;

/** A hostname that no running container has, for a lock left by a removed container. */
export const goneContainerHostname = 'a1b2c3d4e5f6';

/**
 * Creates an adversarial credentials tree under `root`, with `outside` a
 * folder outside it that must never be touched. The tree has a symlinked
 * session folder leading to `outside` and a session folder containing a
 * symlink to `outside`. It has odd names (space, newline, unicode, leading
 * dash), a plain file named session-* and a bare `session` folder. Two stale
 * locks name this machine with a pid that no longer runs, and a container
 * hostname that no running container has.
 */
export async function buildAdversarialTree(root: string, outside: string): Promise<void> {
  await mkdir(outside, { recursive: true });
  await writeFile(path.join(outside, 'keep.txt'), 'outside data\n');
  await mkdir(path.join(outside, 'nested'), { recursive: true });
  await writeFile(path.join(outside, 'nested', 'deep.bin'), Buffer.alloc(8192, 7));

  await mkdir(root, { recursive: true });
  await symlink(outside, path.join(root, adversarial.linkOut));
  await sessionFolder(root, adversarial.linkInside);
  await symlink(outside, path.join(root, adversarial.linkInside, 'escape'));
  for (const name of [adversarial.space, adversarial.newline, adversarial.unicode]) {
    await sessionFolder(root, name);
  }
  await sessionFolder(root, adversarial.leadingDash);
  await sessionFolder(root, adversarial.bareSession);
  await writeFile(path.join(root, adversarial.plainFile), 'not a folder\n');

  await sessionFolder(root, adversarial.staleHost);
  await writeLock(path.join(root, adversarial.staleHost), `${os.hostname()}-${deadPid()}`);
  await sessionFolder(root, adversarial.staleContainer);
  await writeLock(path.join(root, adversarial.staleContainer), `${goneContainerHostname}-17`);
}

/** Creates a folder that looks like a small LocalAuth profile. */
export async function sessionFolder(root: string, name: string): Promise<string> {
  const folder = path.join(root, name);
  await mkdir(path.join(folder, 'Default', 'IndexedDB'), { recursive: true });
  await writeFile(path.join(folder, 'Local State'), '{"profile":{}}\n');
  await writeFile(path.join(folder, 'Default', 'IndexedDB', 'data.ldb'), Buffer.alloc(16384, 1));
  return folder;
}

/** Writes a SingletonLock symlink the way Chromium does: the target is `<hostname>-<pid>`. */
export async function writeLock(folder: string, target: string): Promise<void> {
  await symlink(target, path.join(folder, 'SingletonLock'));
}

/** Returns a pid that ran a moment ago and has exited, for a lock whose browser is gone. */
export function deadPid(): number {
  const result = spawnSync('true');
  if (result.pid === undefined) throw new Error('could not run true to obtain a dead pid');
  return result.pid;
}

/**
 * Hashes every entry under `root` without following symlinks: type, mode,
 * size and content hash of files, target of symlinks. Two equal snapshots
 * mean the tree is byte-identical.
 */
export async function snapshotTree(root: string): Promise<Map<string, string>> {
  const snapshot = new Map<string, string>();
  const visit = async (relative: string): Promise<void> => {
    const full = path.join(root, relative);
    const stats = await lstat(full);
    const mode = (stats.mode & 0o7777).toString(8);
    if (stats.isSymbolicLink()) {
      snapshot.set(relative, `link ${await readlink(full)}`);
    } else if (stats.isDirectory()) {
      snapshot.set(relative, `dir ${mode}`);
      for (const name of (await readdir(full)).sort()) await visit(path.join(relative, name));
    } else {
      const hash = createHash('sha256')
        .update(await readFile(full))
        .digest('hex');
      snapshot.set(relative, `file ${mode} ${stats.size} ${hash}`);
    }
  };
  await visit('.');
  return snapshot;
}

/** Output written to a test context's stream. */
export interface CapturedStream extends NodeJS.WritableStream {
  text(): string;
}

function captureStream(): CapturedStream {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return Object.assign(stream, { text: () => text });
}

/**
 * Builds a command context for tests: the given config (validated by the real
 * schema), captured stdout and stderr, and a stdin that is or is not a TTY.
 */
export function commandContext(
  rawConfig: Record<string, unknown>,
  options: { stdinIsTTY?: boolean; json?: boolean } = {},
): Context & { streams: { stdout: CapturedStream; stderr: CapturedStream } } {
  const config = configSchema.parse(rawConfig);
  const stdin = Object.assign(new PassThrough(), { isTTY: options.stdinIsTTY ?? false });
  return {
    output: {
      json: options.json ?? false,
      color: false,
      quiet: false,
      verbose: false,
      interactive: false,
    },
    streams: { stdout: captureStream(), stderr: captureStream(), stdin },
    env: {},
    cwd: process.cwd(),
    procRoot: '/proc',
    now: () => new Date(),
    signal: new AbortController().signal,
    config: () => ({ config, file: null, dockerHostSource: 'config' }),
  };
}

/** A docker.host that no engine listens on, so container matching reports the engine unreachable. */
export const absentDockerHost = 'unix:///tmp/wr-c2-no-engine/docker.sock';
