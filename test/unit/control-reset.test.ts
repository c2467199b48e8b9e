import { describe, expect, it } from 'vitest';
import { nextStep } from '../../commands/connection-reset.js';
import type { ResetOutcome } from '../../src/control/reset-watch.js';
import type { ConnectionEvent } from '../../src/core/types.js';
import { createResetReporter, describeState } from '../../src/output/events.js';
import { renderQr } from '../../src/output/qr.js';
import type { OutputOptions } from '../../src/output/style.js';

const at = '2026-01-01T00:00:00.000Z';
const human: OutputOptions = {
  json: false,
  color: false,
  quiet: false,
  verbose: false,
  interactive: false,
};

function capture(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, write: (text: string) => written.push(text) > 0 };
  return { written, stream: stream as unknown as NodeJS.WritableStream & { isTTY: boolean } };
}

function outcome(fields: Partial<ResetOutcome>): ResetOutcome {
  return {
    outcome: 'timeout',
    state: 'QR',
    reason: null,
    joined: false,
    qrCount: 1,
    durationMs: 1000,
    ...fields,
  };
}

const events: ConnectionEvent[] = [
  { type: 'state', id: '3', state: 'STARTING', reason: null, at },
  { type: 'state', id: '3', state: 'QR', reason: null, at },
  { type: 'qr', id: '3', qr: 'ref-1,a,b,c,WEB', at },
  { type: 'qr', id: '3', qr: 'ref-1,a,b,c,WEB', at },
  { type: 'qr', id: '3', qr: 'ref-2,a,b,c,WEB', at },
  { type: 'state', id: '3', state: 'SYNCING', reason: null, at },
  { type: 'ready', id: '3', at },
];

describe('reset reporter', () => {
  it('json writes one event a line', () => {
    const stdout = capture(false);
    const stderr = capture(false);
    const reporter = createResetReporter(
      '3',
      { ...human, json: true },
      {
        stdout: stdout.stream,
        stderr: stderr.stream,
      },
    );
    for (const event of events) reporter.event(event);
    const lines = stdout.written.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(events.length);
    expect(lines.map((line) => JSON.parse(line))).toEqual(events);
    expect(stderr.written).toEqual([]);
  });

  it('pipe prints each new qr once', () => {
    const stdout = capture(false);
    const stderr = capture(false);
    const reporter = createResetReporter('3', human, {
      stdout: stdout.stream,
      stderr: stderr.stream,
    });
    for (const event of events) reporter.event(event);
    const text = stderr.written.join('');
    expect(text.split(renderQr('ref-1,a,b,c,WEB'))).toHaveLength(2);
    expect(text.split(renderQr('ref-2,a,b,c,WEB'))).toHaveLength(2);
    expect(text).toContain('connection 3: starting');
    expect(text).toContain('connection 3: waiting for scan');
    expect(text).toContain('connection 3: syncing');
    expect(stdout.written).toEqual([]);
  });

  it('terminal redraws the qr in place', () => {
    const stderr = capture(true);
    const reporter = createResetReporter('3', human, {
      stdout: capture(false).stream,
      stderr: stderr.stream,
    });
    reporter.event(events[2] as ConnectionEvent);
    reporter.event(events[4] as ConnectionEvent);
    const [first, second] = stderr.written;
    const firstLines = (first as string).split('\n').length - 1;
    expect(first).not.toContain('\x1b[');
    expect(second?.startsWith(`\x1b[${firstLines}F\x1b[0J`)).toBe(true);
    expect(second).toContain(renderQr('ref-2,a,b,c,WEB'));
  });

  it('quiet pipe still prints the qr', () => {
    const stderr = capture(false);
    const reporter = createResetReporter(
      '3',
      { ...human, quiet: true },
      {
        stdout: capture(false).stream,
        stderr: stderr.stream,
      },
    );
    for (const event of events) reporter.event(event);
    const text = stderr.written.join('');
    expect(text).toContain(renderQr('ref-1,a,b,c,WEB'));
    expect(text).not.toContain('syncing');
  });
});

describe('reset next step', () => {
  it('connected needs none', () => {
    expect(nextStep('3', outcome({ outcome: 'connected', state: 'CONNECTED' }))).toBeNull();
  });

  it('timeout at the qr suggests a rerun', () => {
    const next = nextStep('3', outcome({ outcome: 'timeout', state: 'QR' }));
    expect(next).toContain('rerun wr connection reset 3');
    expect(next).toContain('--timeout');
  });

  it('failure suggests logout and debug-args', () => {
    const next = nextStep('3', outcome({ outcome: 'failed', state: 'FAILED', reason: 'CONFLICT' }));
    expect(next).toContain('wr connection reset 3 --logout');
    expect(next).toContain('wr debug-args 3 --profile all');
  });
});

describe('state words', () => {
  it('names the phase and reason', () => {
    expect(describeState('QR', null)).toBe('waiting for scan');
    expect(describeState('FAILED', 'QR not scanned')).toBe('failed (QR not scanned)');
  });
});
