import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { errorFields, type Logger } from '../../src/core/logger.js';
import { WrError } from '../../src/errors.js';

/** Creates a pino logger that writes its JSON lines into `lines`. */
function pinoInto(lines: Array<Record<string, unknown>>): Logger {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });
  return pino({ level: 'debug' }, destination);
}

describe('core logger', () => {
  it('pino child keeps the connection id', () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pinoInto(lines).child({ connection: '3' });

    logger.warn({ reason: 'CONFLICT' }, 'WhatsApp disconnected');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      connection: '3',
      reason: 'CONFLICT',
      msg: 'WhatsApp disconnected',
    });
  });

  it('error fields keep message and code', () => {
    const error = new WrError('DISK_LOW', 'only 1 MiB free');
    expect(errorFields(error)).toEqual({ err: { message: 'only 1 MiB free', code: 'DISK_LOW' } });
    expect(errorFields('text')).toEqual({ err: { message: 'text' } });
  });
});
