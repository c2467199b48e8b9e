import type { Context } from './context.js';
import type { ExitCodeValue } from './errors.js';
import type { HumanView } from './output/render.js';

/** What every command returns: its data, the exit code, and how to show the data to a person. */
export interface CommandResult<T> {
  data: T;
  exitCode: ExitCodeValue;
  view: HumanView<T>;
  /**
   * Whether SIGINT or SIGTERM is this command's normal way to end, as for
   * `wr serve`: its exit code then stands instead of 130.
   */
  endsOnSignal?: boolean;
}

export type CommandHandler<O> = (options: O, context: Context) => Promise<CommandResult<unknown>>;
