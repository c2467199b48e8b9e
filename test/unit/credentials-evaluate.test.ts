import { describe, expect, it } from 'vitest';
import type { CredentialFolder } from '../../src/disk/credentials.js';
import type { BrowserScan, ContainerRef } from '../../src/host/browsers.js';
import { evaluateCredentials } from '../../src/health/checks/credentials.js';

const credentials = { path: '/srv/auth', source: 'config' };

function folder(overrides: Partial<CredentialFolder>): CredentialFolder {
  return {
    name: 'session-bd_3',
    path: '/srv/auth/session-bd_3',
    entryType: 'directory',
    kind: 'registered',
    clientId: 'bd_3',
    connectionId: '3',
    browsers: [],
    possibleBrowsers: [],
    inUse: false,
    duplicate: false,
    lock: null,
    bytes: 1024 * 1024,
    ...overrides,
  };
}

function scan(overrides: Partial<BrowserScan> = {}): BrowserScan {
  return {
    browsers: [],
    defunct: [],
    containers: [],
    containersMatched: true,
    problems: [],
    ...overrides,
  };
}

const backend = (init: boolean): ContainerRef => ({
  id: 'c1',
  name: 'wr-backend-1',
  service: 'backend',
  hostname: 'c1host',
  init,
});

describe('credentials evaluation', () => {
  it('ok for registered idle folder', () => {
    const outcome = evaluateCredentials([folder({})], scan(), credentials);
    expect(outcome.status).toBe('ok');
    expect(outcome.remedy).toBeNull();
    expect(outcome.summary).toContain('1 registered');
  });

  it('fails on duplicate browsers', () => {
    const browsers = [
      { pid: 10, namespacePid: 10, container: null, service: null },
      { pid: 11, namespacePid: 11, container: null, service: null },
    ];
    const outcome = evaluateCredentials(
      [folder({ browsers, inUse: true, duplicate: true })],
      scan(),
      credentials,
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('2 browsers (pids 10, 11) on session-bd_3');
    expect(outcome.remedy).toContain('kill 10 11');
  });

  it('restarts the one service behind duplicates', () => {
    const browsers = [
      { pid: 10, namespacePid: 10, container: null, service: 'backend' },
      { pid: 11, namespacePid: 11, container: null, service: 'backend' },
    ];
    const outcome = evaluateCredentials(
      [folder({ browsers, inUse: true, duplicate: true })],
      scan(),
      credentials,
      'wr',
    );
    expect(outcome.remedy).toContain('wr restart backend');
  });

  it('warns on stale lock', () => {
    const lock = {
      target: 'gone-5',
      hostname: 'gone',
      pid: 5,
      state: 'stale' as const,
      reason: 'hostname "gone" is neither this machine\'s nor a running container\'s',
    };
    const outcome = evaluateCredentials([folder({ lock })], scan(), credentials);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('stale SingletonLock gone-5');
    expect(outcome.remedy).toBe("rm '/srv/auth/session-bd_3/SingletonLock'");
  });

  it('warns on defunct without init', () => {
    const defunct = [1, 2, 3].map((pid) => ({
      pid,
      ppid: 99,
      comm: 'chromium',
      container: backend(false),
    }));
    const outcome = evaluateCredentials([], scan({ defunct }), credentials, 'wr');
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('3 defunct browser processes in container wr-backend-1');
    expect(outcome.remedy).toContain('init: true for service backend');
    expect(outcome.remedy).toContain('docker compose -p wr up -d backend');
  });

  it('ignores defunct with init', () => {
    const defunct = [{ pid: 1, ppid: 99, comm: 'chromium', container: backend(true) }];
    expect(evaluateCredentials([], scan({ defunct }), credentials).status).toBe('ok');
  });

  it('warns on reclaimable bytes', () => {
    const unused = folder({
      name: 'session-old',
      kind: 'unused',
      clientId: 'old',
      connectionId: null,
    });
    const outcome = evaluateCredentials([unused], scan(), credentials);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('1.0 MiB reclaimable in 1 unused idle folder');
    expect(outcome.remedy).toBe('wr prune-credentials');
  });
});
