import { describe, expect, it } from 'vitest';
import type { CredentialFolder } from '../../src/disk/credentials.js';
import { decide } from '../../src/disk/prune.js';

function folder(overrides: Partial<CredentialFolder>): CredentialFolder {
  return {
    name: 'session-old',
    path: '/srv/auth/session-old',
    entryType: 'directory',
    kind: 'unused',
    clientId: 'old',
    connectionId: null,
    browsers: [],
    possibleBrowsers: [],
    inUse: false,
    duplicate: false,
    lock: null,
    bytes: 4096,
    ...overrides,
  };
}

const lock = (state: 'live' | 'stale' | 'unknown') => ({
  target: 'backend-42',
  hostname: 'backend',
  pid: 42,
  state,
  reason: 'test',
});

describe('prune decision', () => {
  it('deletes unused idle folder', () => {
    expect(decide(folder({})).action).toBe('delete');
  });

  it('deletes unused folder with stale lock', () => {
    const decision = decide(folder({ lock: lock('stale') }));
    expect(decision.action).toBe('delete');
    expect(decision.reason).toContain('stale SingletonLock backend-42');
  });

  it.each<[string, Partial<CredentialFolder>, string]>([
    ['symlink', { entryType: 'symlink', kind: 'unknown', clientId: null }, 'symlink'],
    ['plain file', { entryType: 'file', kind: 'unknown', clientId: null }, 'not a directory'],
    ['odd name', { name: '-rf', kind: 'unknown', clientId: null }, 'not a session-* folder'],
    ['registered', { kind: 'registered', connectionId: '3' }, 'connection 3'],
    [
      'in use',
      {
        inUse: true,
        browsers: [{ pid: 9, namespacePid: 1, container: 'wr-backend-1', service: 'backend' }],
      },
      'pid 9 in container wr-backend-1',
    ],
    ['unmatched container browser', { possibleBrowsers: [77] }, 'could not be matched'],
    ['live lock', { lock: lock('live') }, 'live'],
    ['unknown lock', { lock: lock('unknown') }, 'cannot be judged'],
  ])('keeps %s', (_case, overrides, reason) => {
    const decision = decide(folder(overrides));
    expect(decision.action).toBe('keep');
    expect(decision.reason).toContain(reason);
  });
});
