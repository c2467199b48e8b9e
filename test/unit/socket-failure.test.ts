import { describe, expect, test } from 'vitest';
import { CookieJar } from '../../src/net/cookies.js';
import {
  abortCode,
  classifyError,
  describeFailure,
  httpFailure,
  timeoutCode,
  type FailureKind,
} from '../../src/net/failure.js';

function systemError(code: string): Error {
  return Object.assign(new Error(`failed with ${code}`), { code });
}

describe('classifyError', () => {
  const cases: Array<[string, FailureKind]> = [
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ECONNREFUSED', 'refused'],
    [timeoutCode, 'timeout'],
    [abortCode, 'timeout'],
    ['ETIMEDOUT', 'timeout'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
    ['EPROTO', 'tls'],
    ['ECONNRESET', 'network'],
    ['EHOSTUNREACH', 'network'],
  ];
  for (const [code, kind] of cases) {
    test(`classifyError ${code} as ${kind}`, () => {
      const failure = classifyError(systemError(code), 12);
      expect(failure.kind).toBe(kind);
      expect(failure.code).toBe(code);
      expect(failure.elapsedMs).toBe(12);
    });
  }

  test('classifyError without code', () => {
    expect(classifyError(new Error('odd'), 0)).toMatchObject({ kind: 'network', code: null });
  });
});

describe('describeFailure', () => {
  const url = new URL('https://sockets.example.com:8443/socket.io/?EIO=4&transport=polling');

  test('describeFailure names DNS host', () => {
    const text = describeFailure(classifyError(systemError('ENOTFOUND'), 3), url);
    expect(text).toBe(`${url.href}: DNS lookup of sockets.example.com failed (ENOTFOUND)`);
  });

  test('describeFailure names refused port', () => {
    const text = describeFailure(classifyError(systemError('ECONNREFUSED'), 3), url);
    expect(text).toContain('connection refused on port 8443 (ECONNREFUSED)');
  });

  test('describeFailure gives timeout units', () => {
    const text = describeFailure(classifyError(systemError(timeoutCode), 5000), url);
    expect(text).toBe(`${url.href}: no response within 5s`);
  });

  test('describeFailure explains 402 and 403', () => {
    for (const status of [402, 403]) {
      const text = describeFailure(httpFailure(status, 'Payment Required', 4), url);
      expect(text).toContain(`HTTP ${status} Payment Required`);
      expect(text).toContain('disabled or its bill is unpaid');
      expect(text).toContain('administration can confirm');
    }
  });

  test('describeFailure plain for 500', () => {
    const text = describeFailure(httpFailure(500, 'Internal Server Error', 4), url);
    expect(text).toBe(`${url.href}: HTTP 500 Internal Server Error`);
  });
});

describe('CookieJar', () => {
  test('CookieJar returns stored cookies', () => {
    const jar = new CookieJar();
    expect(jar.header()).toBeUndefined();
    jar.store({ 'set-cookie': ['AWSALB=abc; Path=/; Expires=Fri, 11 Dec 2026', 'io=xyz'] });
    jar.store({ 'set-cookie': ['AWSALB=def; Path=/'] });
    expect(jar.header()).toBe('AWSALB=def; io=xyz');
  });

  test('CookieJar ignores malformed cookies', () => {
    const jar = new CookieJar();
    jar.store({ 'set-cookie': ['=nameless', 'novalue'] });
    expect(jar.header()).toBeUndefined();
  });
});
