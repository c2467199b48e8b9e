import ora, { type Ora } from 'ora';
import type { OutputOptions } from './style.js';

/** Progress on stderr; a no-op when stdout is not a terminal, with --json or --quiet. */
export interface Progress {
  start(text: string): void;
  update(text: string): void;
  stop(): void;
}

export function createProgress(options: OutputOptions, stream: NodeJS.WritableStream): Progress {
  if (options.json || options.quiet || !options.interactive) {
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
