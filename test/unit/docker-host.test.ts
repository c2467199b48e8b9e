import { describe, expect, test } from 'vitest';
import { parseEngineHost } from '../../src/docker/host.js';
import { WrError } from '../../src/errors.js';

describe('parseEngineHost', () => {
  test.each([
    ['unix:///var/run/docker.sock', { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['/run/user/1000/docker.sock', { kind: 'unix', socketPath: '/run/user/1000/docker.sock' }],
    ['tcp://127.0.0.1:2375', { kind: 'tcp', host: '127.0.0.1', port: 2375 }],
    ['tcp://docker-host:2375/', { kind: 'tcp', host: 'docker-host', port: 2375 }],
    ['tcp://[::1]:2375', { kind: 'tcp', host: '::1', port: 2375 }],
  ])('parses %s', (text, expected) => {
    expect(parseEngineHost(text)).toEqual(expected);
  });

  test.each(['unix://relative.sock', 'tcp://host', 'tcp://host:0', 'ssh://me@host', 'docker.sock'])(
    'rejects %s with exit code 2',
    (text) => {
      let error: unknown;
      try {
        parseEngineHost(text);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(WrError);
      expect((error as WrError).exitCode).toBe(2);
      expect((error as WrError).message).toContain(`docker.host "${text}"`);
    },
  );
});
