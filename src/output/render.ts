import type { WrError } from '../errors.js';
import { createChalk, type OutputOptions } from './style.js';

export interface Streams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Turns a command's data into text for a person. */
export type HumanView<T> = (data: T, options: OutputOptions) => string;

/** Prints a command's result: JSON on stdout with --json, else the human view. */
export function renderResult<T>(
  data: T,
  view: HumanView<T>,
  options: OutputOptions,
  streams: Streams,
): void {
  if (options.json) {
    // One line, so that a command streaming NDJSON events ends with one result line.
    streams.stdout.write(`${JSON.stringify(data)}\n`);
    return;
  }
  const text = view(data, options);
  if (text) streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Prints an operator-fixable error: JSON on stdout with --json, else text on stderr. */
export function renderError(error: WrError, options: OutputOptions, streams: Streams): void {
  if (options.json) {
    const body = { error: { code: error.code, message: error.message, hint: error.hint ?? null } };
    streams.stdout.write(`${JSON.stringify(body)}\n`);
    return;
  }
  const chalk = createChalk(options);
  streams.stderr.write(`${chalk.red('error')} (${error.code}): ${error.message}\n`);
  if (error.hint) streams.stderr.write(`${chalk.dim('next:')} ${error.hint}\n`);
}

/** Prints a warning on stderr unless quiet or in JSON mode. */
export function renderWarning(message: string, options: OutputOptions, streams: Streams): void {
  if (options.quiet || options.json) return;
  const chalk = createChalk(options);
  streams.stderr.write(`${chalk.yellow('warning')}: ${message}\n`);
}
