import { existsSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Runs `wr serve` from the compiled CLI, as bin/wr does, in a process that the
// reset-cycles benchmark starts with --expose-gc and an IPC channel. It adds
// one thing: on the message { type: 'heap' } it forces a full garbage
// collection and sends back process.memoryUsage().heapUsed.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiledCli = path.join(root, 'dist/src/run-cli.js');

if (typeof global.gc !== 'function' || typeof process.send !== 'function') {
  throw new Error(
    'serve-host needs --expose-gc and an IPC channel: start it with child_process.fork',
  );
}
if (!existsSync(compiledCli)) {
  throw new Error(`${compiledCli} is missing: run npm run build first`);
}

/** Collects garbage twice, letting finalizers run in between, and returns the heap left in use. */
async function heapAfterGc(): Promise<number> {
  global.gc?.();
  await nextTurn();
  global.gc?.();
  return process.memoryUsage().heapUsed;
}

process.on('message', (message: { type?: string }) => {
  if (message.type !== 'heap') return;
  void heapAfterGc().then((heapUsedBytes) => process.send?.({ type: 'heap', heapUsedBytes }));
});

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

const { runCli } = (await import(
  pathToFileURL(compiledCli).href
)) as typeof import('../src/run-cli.js');
const exitCode = await runCli(
  [process.execPath, 'wr', ...process.argv.slice(2)],
  controller.signal,
);
process.exit(exitCode);
