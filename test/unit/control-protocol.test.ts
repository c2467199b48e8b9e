import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isAuthorized } from '../../src/control/auth.js';
import { parseBody, toControlError } from '../../src/control/routes.js';
import { ControlError } from '../../src/control/protocol.js';
import { parseEvents } from '../../src/control/sse-reader.js';
import { WrError } from '../../src/errors.js';

describe('bearer token', () => {
  const cases: Array<[string | undefined, boolean]> = [
    ['Bearer right-token', true],
    ['bearer right-token', true],
    ['Bearer right-tokeN', false],
    ['Bearer right', false],
    ['Bearer ', false],
    ['right-token', false],
    ['Basic right-token', false],
    [undefined, false],
  ];
  it.each(cases)('header %s authorizes: %s', (header, expected) => {
    expect(isAuthorized(header, 'right-token')).toBe(expected);
  });
});

describe('sse reader', () => {
  it('events split across chunks', async () => {
    const event = { type: 'qr', id: '3', qr: 'ref,a,b,c,web', at: '2026-01-01T00:00:00.000Z' };
    const text = `: heartbeat\n\nevent: qr\ndata: ${JSON.stringify(event)}\n\n`;
    const chunks = [text.slice(0, 7), text.slice(7, 30), text.slice(30)];
    const events = [];
    for await (const parsed of parseEvents(Readable.from(chunks))) events.push(parsed);
    expect(events).toEqual([event]);
  });

  it('heartbeats alone yield nothing', async () => {
    const events = [];
    for await (const parsed of parseEvents(Readable.from([': heartbeat\n\n: x\n\n']))) {
      events.push(parsed);
    }
    expect(events).toEqual([]);
  });
});

describe('control body', () => {
  it('accepts allowed keys', () => {
    expect(parseBody({ logout: true }, { logout: 'boolean' })).toEqual({ logout: true });
    expect(parseBody({}, { logout: 'boolean' })).toEqual({});
  });

  it('rejects arrays, unknown keys and wrong types', () => {
    expect(() => parseBody([], { logout: 'boolean' })).toThrow(/JSON object/);
    expect(() => parseBody({ logot: true }, { logout: 'boolean' })).toThrow(/unknown key "logot"/);
    expect(() => parseBody({ profile: '' }, { profile: 'string' })).toThrow(/non-empty string/);
  });
});

describe('pool error mapping', () => {
  const cases: Array<[string, number]> = [
    ['UNKNOWN_PROFILE', 400],
    ['CONNECTION_NOT_FOUND', 404],
    ['CREDENTIALS_IN_USE', 409],
    ['DISK_FULL', 409],
  ];
  it.each(cases)('%s maps to %i', (code, status) => {
    expect(toControlError(new WrError(code, 'message'))?.status).toBe(status);
  });

  it('plain error is not mapped', () => {
    expect(toControlError(new Error('bug'))).toBeUndefined();
    expect(toControlError(new ControlError(413, 'BODY_TOO_LARGE', 'x'))?.status).toBe(413);
  });
});
