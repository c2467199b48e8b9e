import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Creates the logger of `wr serve`. Off a terminal (under docker, systemd or
 * a pipe) each entry is one JSON object a line, written synchronously so
 * that the last lines before an exit are not lost. On a terminal the same
 * entries are shown as `time level message key=value ...` lines.
 */
export function createServeLogger(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  level = 'info',
): Logger {
  const options = { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (!stream.isTTY) {
    const destination =
      stream === process.stderr ? pino.destination({ dest: 2, sync: true }) : toDestination(stream);
    return pino(options, destination);
  }
  return pino(options, humanDestination(stream));
}

function toDestination(stream: NodeJS.WritableStream): DestinationStream {
  return { write: (line: string) => void stream.write(line) };
}

const levelNames: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

function humanDestination(stream: NodeJS.WritableStream): DestinationStream {
  return {
    write(line: string) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const { time, level, msg, ...fields } = entry;
      delete fields.pid;
      delete fields.hostname;
      const pairs = Object.entries(fields).map(([key, value]) => `${key}=${formatValue(value)}`);
      const name = levelNames[level as number] ?? String(level);
      stream.write(`${String(time)} ${name.padEnd(5)} ${String(msg ?? '')} ${pairs.join(' ')}\n`);
    },
  };
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}
