import ora, { type Ora } from 'ora';
import type { OutputOptions } from './style.js';

/** Progress on stderr; a no-op when stdout is not a terminal, with --json or --quiet. */
export interface Progress {
  start(text: string): void;
  update(text: string): void;
  stop(): void;
}

export function createProgress(options: OutputOptions, stream: NodeJS.WritableStream): Progress {
  // ora loops forever redrawing on a terminal that reports zero columns
  // (a pseudo-terminal whose size was never set), so such a terminal gets none.
  const columns = (stream as NodeJS.WriteStream).columns ?? 0;
  const terminal = Boolean((stream as NodeJS.WriteStream).isTTY) && columns > 0;
  if (options.json || options.quiet || !options.interactive || !terminal) {
    return { start() {}, update() {}, stop() {} };
  }
  let spinner: Ora | undefined;
  return {
    start(text) {
      spinner = ora({ text, stream, color: 'cyan', isEnabled: true, discardStdin: false }).start();
    },
    update(text) {
      if (spinner) spinner.text = text;
    },
    stop() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}
