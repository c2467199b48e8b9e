import type { Context } from './context.js';
import type { ExitCodeValue } from './errors.js';
import type { HumanView } from './output/render.js';

/** The result of every command: its data, the exit code, and the view that shows the data to a person. */
export interface CommandResult<T> {
  data: T;
  exitCode: ExitCodeValue;
  view: HumanView<T>;
  /**
   * Whether SIGINT or SIGTERM is this command's normal way to end, as for
   * `wr serve`. Its exit code is then kept instead of 130.
   */
  endsOnSignal?: boolean;
}

export type CommandHandler<O> = (options: O, context: Context) => Promise<CommandResult<unknown>>;
