import type { CommandResult } from '../src/command.js';
import { parseDuration } from '../src/config/units.js';
import type { Context } from '../src/context.js';
import { ControlClient, controlTarget } from '../src/control/client.js';
import { watchReset, type ResetOutcome } from '../src/control/reset-watch.js';
import { ExitCode, usageError, WrError } from '../src/errors.js';
import { createResetReporter } from '../src/output/events.js';
import { formatDuration } from '../src/output/format.js';
import { resetView } from '../src/output/views/connections.js';

export interface ResetOptions {
  /** Connection id, the command's argument. */
  id: string;
  logout?: boolean;
  timeout?: string;
}

export interface ResetResult extends ResetOutcome {
  type: 'result';
  id: string;
  /** Next command for the operator when the reset did not end CONNECTED, else null. */
  next: string | null;
}

/**
 * Asks the host for a single-flight reset of one connection and follows it,
 * showing each QR, until the connection is CONNECTED (exit 0), FAILED or the
 * timeout passes (exit 1). Ctrl-C stops watching and leaves the reset
 * running on the host.
 */
export async function run(
  options: ResetOptions,
  context: Context,
): Promise<CommandResult<ResetResult>> {
  const { id } = options;
  const timeoutMs = parseTimeout(options.timeout ?? '5m');
  const { config } = context.config();
  const client = new ControlClient(controlTarget(config.control));
  const reporter = createResetReporter(id, context.output, context.streams, context.now);

  const outcome = await watchReset(client, id, {
    logout: options.logout === true,
    timeoutMs,
    signal: context.signal,
    reporter,
  }).catch((error: unknown) => {
    throw withListHint(error);
  });
  const result: ResetResult = { type: 'result', id, ...outcome, next: nextStep(id, outcome) };

  if (outcome.outcome === 'interrupted') {
    reportInterrupted(result, context);
  }
  return {
    data: result,
    exitCode: outcome.outcome === 'connected' ? ExitCode.ok : ExitCode.failure,
    view: resetView,
  };
}

function parseTimeout(text: string): number {
  const timeoutMs = parseDuration(text);
  if (timeoutMs === undefined || timeoutMs <= 0) {
    throw usageError(
      'USAGE',
      `--timeout "${text}": expected a duration longer than zero, such as 90s or 5m`,
      'rerun with --timeout 10m, for example',
    );
  }
  return timeoutMs;
}

function withListHint(error: unknown): unknown {
  if (error instanceof WrError && error.code === 'CONNECTION_NOT_FOUND') {
    return new WrError(error.code, error.message, {
      hint: 'run wr connection list to see the connections the host runs',
      cause: error,
    });
  }
  return error;
}

/** Builds the next command for the operator after a reset that did not connect. */
export function nextStep(id: string, outcome: ResetOutcome): string | null {
  if (outcome.outcome === 'connected') return null;
  if (outcome.outcome === 'interrupted') return `wr connection list (the reset of ${id} goes on)`;
  if (outcome.outcome === 'timeout' && outcome.state === 'QR') {
    return `rerun wr connection reset ${id} and scan the QR, or allow more time with --timeout 10m`;
  }
  return `wr connection reset ${id} --logout for a new session; if it still fails, try other Chromium arguments with wr debug-args ${id} --profile all`;
}

/**
 * Tells the operator that Ctrl-C stopped only the watching. The CLI prints
 * no result after an interrupt, so this is the last line of the run.
 */
function reportInterrupted(result: ResetResult, context: Context): void {
  if (context.output.json) {
    context.streams.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const waited = formatDuration(result.durationMs);
  context.streams.stderr.write(
    `stopped watching connection ${result.id} after ${waited}; the reset goes on on the host. Check it with: wr connection list\n`,
  );
}
