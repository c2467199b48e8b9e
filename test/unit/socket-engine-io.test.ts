import { describe, expect, test } from 'vitest';
import {
  encodePacket,
  parseEngineError,
  parseOpenPacket,
  pollingUrl,
} from '../../src/net/engine-io.js';

const open4 =
  '0{"sid":"9IEU8kOmQtKdYtojAAAA","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
const open3 =
  '97:0{"sid":"kay4eyxexkcZzkMDAAAA","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000}2:40';

describe('parseOpenPacket', () => {
  test('parseOpenPacket reads protocol 4', () => {
    expect(parseOpenPacket(open4)).toEqual({
      protocol: 4,
      sid: '9IEU8kOmQtKdYtojAAAA',
      upgrades: ['websocket'],
      pingInterval: 25_000,
      pingTimeout: 20_000,
      maxPayload: 1_000_000,
    });
  });

  test('parseOpenPacket reads protocol 3 payload', () => {
    const packet = parseOpenPacket(open3);
    expect(packet?.protocol).toBe(3);
    expect(packet?.sid).toBe('kay4eyxexkcZzkMDAAAA');
    expect(packet?.maxPayload).toBeNull();
  });

  test('parseOpenPacket stops at record separator', () => {
    expect(parseOpenPacket(`${open4}\x1e40`)?.sid).toBe('9IEU8kOmQtKdYtojAAAA');
  });

  test('parseOpenPacket rejects other bodies', () => {
    expect(parseOpenPacket('<!doctype html>')).toBeNull();
    expect(parseOpenPacket('0{"upgrades":[]}')).toBeNull();
    expect(parseOpenPacket('0{not json')).toBeNull();
    expect(parseOpenPacket('5:0{"x"')).toBeNull();
    expect(parseOpenPacket('')).toBeNull();
  });
});

describe('engine.io helpers', () => {
  test('pollingUrl joins origin and path', () => {
    const url = pollingUrl(new URL('https://chat.example.com/app?x=1'), '/socket.io/', {
      EIO: '4',
      sid: 'abc',
    });
    expect(url.href).toBe('https://chat.example.com/socket.io/?EIO=4&sid=abc&transport=polling');
  });

  test('parseEngineError reads session error', () => {
    expect(parseEngineError('{"code":1,"message":"Session ID unknown"}')).toEqual({
      code: 1,
      message: 'Session ID unknown',
    });
    expect(parseEngineError('Not Found')).toBeNull();
    expect(parseEngineError('{"error":"x"}')).toBeNull();
  });

  test('encodePacket prefixes protocol 3', () => {
    expect(encodePacket('noop', 4)).toBe('6');
    expect(encodePacket('close', 4)).toBe('1');
    expect(encodePacket('noop', 3)).toBe('1:6');
    expect(encodePacket('close', 3)).toBe('1:1');
  });
});
