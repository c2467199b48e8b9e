import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../fixtures/fake-browser.c', import.meta.url));

/** A running fake browser on this machine. */
export interface FakeBrowser {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Compiles test/fixtures/fake-browser.c statically into a fresh
 * /tmp/wr-c2-fake-browser-* folder as `chromium`, so that its basename (and,
 * copied to /usr/lib/chromium/chromium in an image, its path) marks it as a
 * browser. Returns the binary's path.
 */
export async function compileFakeBrowser(): Promise<string> {
  const folder = await mkdtemp('/tmp/wr-c2-fake-browser-');
  const binary = path.join(folder, 'chromium');
  const result = spawnSync('gcc', ['-static', '-O2', '-o', binary, source], { encoding: 'utf8' });
  if (result.error) throw new Error(`gcc could not run (${result.error.message}); install gcc`);
  if (result.status !== 0) {
    throw new Error(
      `gcc -static failed; install gcc and libc6-dev (static libc):\n${result.stderr}`,
    );
  }
  return binary;
}

/** Starts the fake browser on this machine on `userDataDir` and waits until it has written its lock. */
export async function launchFakeBrowser(
  binary: string,
  userDataDir: string,
  extraArguments: string[] = [],
): Promise<FakeBrowser> {
  const child = spawn(binary, [`--user-data-dir=${userDataDir}`, ...extraArguments], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready\n')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`fake browser exited (${code}): ${output}`)));
  });
  return {
    pid: child.pid as number,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
