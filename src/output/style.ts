import { Chalk, type ChalkInstance } from 'chalk';

export interface OutputOptions {
  json: boolean;
  color: boolean;
  quiet: boolean;
  verbose: boolean;
  /** Whether stdout is a terminal; progress is shown only when it is. */
  interactive: boolean;
  /** Width of the terminal on stdout, when it is one. */
  columns?: number;
}

/** A chalk instance that colours only when colour is on for this run. */
export function createChalk(options: Pick<OutputOptions, 'color'>): ChalkInstance {
  return new Chalk({ level: options.color ? 1 : 0 });
}
