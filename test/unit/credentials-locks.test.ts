import { describe, expect, it } from 'vitest';
import { judgeLock, parseLockTarget } from '../../src/disk/locks.js';
import type { BrowserProcess, BrowserScan } from '../../src/host/browsers.js';
import type { ContainerInfo } from '../../src/docker/types.js';

const folder = '/srv/auth/session-bd_3';

function browser(overrides: Partial<BrowserProcess>): BrowserProcess {
  return {
    pid: 500,
    namespacePid: 500,
    pidNamespace: '1',
    onHost: true,
    executable: '/usr/lib/chromium/chromium',
    userDataDir: folder,
    hostPath: folder,
    container: null,
    ...overrides,
  };
}

const backend = {
  id: 'c1',
  name: 'wr-backend-1',
  service: 'backend',
  hostname: 'f00dcafe',
  init: false,
};

function scan(browsers: BrowserProcess[], containersMatched = true): BrowserScan {
  const containers = containersMatched
    ? [{ ...backend, mounts: [] } as unknown as ContainerInfo]
    : [];
  return { browsers, defunct: [], containers, containersMatched, problems: [] };
}

const usesFolder = (candidate: BrowserProcess) => candidate.hostPath === folder;

describe('lock judgement', () => {
  it('live on this machine', () => {
    const verdict = judgeLock(
      parseLockTarget('vm-500'),
      { hostname: 'vm', scan: scan([browser({})]) },
      usesFolder,
    );
    expect(verdict.state).toBe('live');
  });

  it('stale with dead pid', () => {
    const verdict = judgeLock(
      parseLockTarget('vm-501'),
      { hostname: 'vm', scan: scan([browser({})]) },
      usesFolder,
    );
    expect(verdict.state).toBe('stale');
    expect(verdict.reason).toContain('no browser with pid 501 on this machine');
  });

  it('live in container', () => {
    const inside = browser({ pid: 9000, namespacePid: 1, onHost: false, container: backend });
    const verdict = judgeLock(
      parseLockTarget('f00dcafe-1'),
      { hostname: 'vm', scan: scan([inside]) },
      usesFolder,
    );
    expect(verdict.state).toBe('live');
    expect(verdict.container).toBe('wr-backend-1');
  });

  it('host pid does not hold container lock', () => {
    const verdict = judgeLock(
      parseLockTarget('f00dcafe-500'),
      { hostname: 'vm', scan: scan([browser({})]) },
      usesFolder,
    );
    expect(verdict.state).toBe('stale');
  });

  it('stale for removed container', () => {
    const verdict = judgeLock(
      parseLockTarget('deadbeef-1'),
      { hostname: 'vm', scan: scan([]) },
      usesFolder,
    );
    expect(verdict.state).toBe('stale');
    expect(verdict.reason).toContain('neither this machine');
  });

  it('unknown without container list', () => {
    const verdict = judgeLock(
      parseLockTarget('deadbeef-1'),
      { hostname: 'vm', scan: scan([], false) },
      usesFolder,
    );
    expect(verdict.state).toBe('unknown');
  });

  it('unknown with unmatched container browser', () => {
    const unmatched = browser({ pid: 9001, namespacePid: 7, onHost: false, hostPath: null });
    const verdict = judgeLock(
      parseLockTarget('vm-7'),
      { hostname: 'vm', scan: scan([unmatched], false) },
      usesFolder,
    );
    expect(verdict.state).toBe('unknown');
  });

  it('stale beside an unrelated unmatched browser', () => {
    const unmatched = browser({ pid: 9001, namespacePid: 7, onHost: false, hostPath: null });
    const verdict = judgeLock(
      parseLockTarget('vm-4242'),
      { hostname: 'vm', scan: scan([unmatched], false) },
      usesFolder,
    );
    expect(verdict.state).toBe('stale');
    expect(verdict.reason).toContain('no browser with pid 4242');
  });

  it('unknown for malformed target', () => {
    const verdict = judgeLock(
      parseLockTarget('nonsense'),
      { hostname: 'vm', scan: scan([]) },
      usesFolder,
    );
    expect(verdict.state).toBe('unknown');
  });
});
