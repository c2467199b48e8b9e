import type { ConnectionEvent, ConnectionState } from '../core/types.js';
import { formatDuration } from './format.js';
import { renderQr } from './qr.js';
import { createChalk, type OutputOptions } from './style.js';

/** Shows the progress of a reset while the command waits for it. */
export interface ResetReporter {
  /** Shows one event from the host's stream. */
  event(event: ConnectionEvent): void;
  /** Shows a line of its own, such as "attached to the reset already running". */
  note(text: string): void;
  /** Leaves the display as it is, so the result prints below it. */
  finish(): void;
}

export interface ReporterStreams {
  stdout: NodeJS.WritableStream;
  /** The stream the QR and progress go to; redrawn in place when it is a terminal. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const phases: Record<ConnectionState, string> = {
  STOPPED: 'stopped',
  STARTING: 'starting',
  QR: 'waiting for scan',
  SYNCING: 'syncing',
  CONNECTED: 'connected',
  DISCONNECTED: 'disconnected',
  FAILED: 'failed',
};

/** Describes a connection state in the words of the progress line. */
export function describeState(state: ConnectionState, reason: string | null): string {
  return reason ? `${phases[state]} (${reason})` : phases[state];
}

/**
 * Creates the reporter of `wr connection reset`. With --json every event is
 * one JSON line on stdout. Otherwise the QR and the state go to stderr: on a
 * terminal as one block redrawn in place when the QR rotates or the state
 * changes, elsewhere as each new QR and state printed once.
 */
export function createResetReporter(
  id: string,
  options: OutputOptions,
  streams: ReporterStreams,
  now: () => Date = () => new Date(),
): ResetReporter {
  if (options.json) {
    return {
      event: (event) => streams.stdout.write(`${JSON.stringify(event)}\n`),
      note: () => {},
      finish: () => {},
    };
  }
  const started = now().getTime();
  const chalk = createChalk(options);
  const status = (text: string) => {
    const elapsed = formatDuration(now().getTime() - started);
    return `${chalk.cyan(`connection ${id}`)}: ${text} ${chalk.dim(`(${elapsed})`)}\n`;
  };
  return streams.stderr.isTTY
    ? terminalReporter(streams.stderr, status, options.quiet)
    : lineReporter(streams.stderr, status, options.quiet);
}

type StatusLine = (text: string) => string;

function terminalReporter(
  stream: NodeJS.WritableStream,
  status: StatusLine,
  quiet: boolean,
): ResetReporter {
  let qr = '';
  let state = '';
  let drawnLines = 0;
  const draw = () => {
    const frame = `${qr}${quiet ? '' : status(state)}`;
    // Move to the start of the previous frame and clear to the end of the screen.
    const erase = drawnLines > 0 ? `\x1b[${drawnLines}F\x1b[0J` : '';
    stream.write(`${erase}${frame}`);
    drawnLines = frame.split('\n').length - 1;
  };
  return {
    event(event) {
      if (event.type === 'qr') qr = renderQr(event.qr);
      else if (event.type === 'state') {
        state = describeState(event.state, event.reason);
        if (event.state !== 'QR') qr = '';
      } else return;
      draw();
    },
    note(text) {
      stream.write(`${text}\n`);
      drawnLines = 0;
    },
    finish() {
      drawnLines = 0;
    },
  };
}

function lineReporter(
  stream: NodeJS.WritableStream,
  status: StatusLine,
  quiet: boolean,
): ResetReporter {
  let lastQr = '';
  let lastState = '';
  return {
    event(event) {
      if (event.type === 'qr' && event.qr !== lastQr) {
        lastQr = event.qr;
        stream.write(renderQr(event.qr));
      } else if (event.type === 'state' && !quiet) {
        const text = describeState(event.state, event.reason);
        if (text !== lastState) stream.write(status(text));
        lastState = text;
      }
    },
    note(text) {
      if (!quiet) stream.write(`${text}\n`);
    },
    finish() {},
  };
}
