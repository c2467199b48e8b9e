import { describe, expect, it } from 'vitest';
import type { ConnectionSnapshot } from '../../src/core/types.js';
import { evaluateConnections } from '../../src/health/checks/connections.js';
import type { BrowserProcess } from '../../src/host/browsers.js';
import { connectionSnapshot } from '../harness/fixtures.js';

function snapshot(id: string, fields: Partial<ConnectionSnapshot> = {}): ConnectionSnapshot {
  return connectionSnapshot(id, {
    clientId: `bd_${id}`,
    browserPid: 40,
    uptimeSeconds: 60,
    ...fields,
  });
}

function browser(fields: Partial<BrowserProcess>): BrowserProcess {
  return {
    pid: 9040,
    namespacePid: 40,
    pidNamespace: 'pid:[4026532000]',
    onHost: false,
    executable: '/usr/lib/chromium/chromium',
    userDataDir: '/usr/src/app/.wwebjs_auth/session-bd_3',
    hostPath: '/srv/backend/.wwebjs_auth/session-bd_3',
    container: {
      id: 'abc',
      name: 'whatrestaurant-backend-1',
      service: 'backend',
      hostname: 'abc',
      init: true,
    },
    ...fields,
  };
}

const input = {
  configured: ['3'],
  credentialsPath: '/srv/backend/.wwebjs_auth',
  host: '/run/wr/control.sock',
  scanProblems: [],
};

describe('connections evaluation', () => {
  it('container browser matches by namespace pid', () => {
    const outcome = evaluateConnections({
      ...input,
      connections: [snapshot('3')],
      browsers: [browser({})],
    });
    expect(outcome.status).toBe('ok');
    expect(outcome.details.browsers).toEqual([
      {
        pid: 9040,
        folder: '/srv/backend/.wwebjs_auth/session-bd_3',
        connection: '3',
        role: 'host',
      },
    ]);
  });

  it('browser outside credentials is ignored', () => {
    const elsewhere = browser({ hostPath: '/tmp/other/session-bd_3', namespacePid: 41 });
    const outcome = evaluateConnections({
      ...input,
      connections: [snapshot('3')],
      browsers: [elsewhere],
    });
    expect(outcome.status).toBe('ok');
    expect(outcome.details.browsers).toEqual([]);
  });

  it('unmatched browser of another session is ignored', () => {
    const stranger = browser({
      hostPath: null,
      container: null,
      userDataDir: '/usr/src/app/.wwebjs_auth/session-bd_2',
      namespacePid: 7,
    });
    const outcome = evaluateConnections({
      ...input,
      connections: [snapshot('3')],
      browsers: [stranger],
    });
    expect(outcome.status).toBe('ok');
    expect(outcome.details.browsers).toEqual([]);
  });

  it('unmatched browser of a hosted session counts', () => {
    const unmatched = browser({ hostPath: null, container: null, namespacePid: 41 });
    const outcome = evaluateConnections({
      ...input,
      connections: [snapshot('3')],
      browsers: [unmatched],
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('2 browsers on one session folder');
  });

  it('paused connection lends its folder', () => {
    const debugging = browser({ pid: 500, namespacePid: 500, onHost: true, container: null });
    const outcome = evaluateConnections({
      ...input,
      connections: [snapshot('3', { state: 'STOPPED', paused: true, browserPid: null })],
      browsers: [debugging],
    });
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('connection 3 is paused on the host');
    expect(outcome.summary).not.toContain('orphan');
  });

  it('browser of a stopped connection is orphan', () => {
    const leftover = browser({ pid: 501, namespacePid: 77 });
    const outcome = evaluateConnections({
      ...input,
      connections: [snapshot('3', { state: 'STOPPED', browserPid: null })],
      browsers: [leftover],
    });
    expect(outcome.summary).toContain(
      'orphan browser pid 501 in container whatrestaurant-backend-1',
    );
    expect(outcome.remedy).toContain('kill 501');
  });

  it('unreadable memory is named', () => {
    const memory = { pssBytes: null, rssBytes: 1024, processes: 5, unreadable: ['smaps_rollup'] };
    const outcome = evaluateConnections({
      ...input,
      connections: [snapshot('3', { memory })],
      browsers: [],
    });
    expect(outcome.summary).toContain('memory of 1 browser partly unreadable');
  });

  it('empty host is ok', () => {
    const outcome = evaluateConnections({
      ...input,
      configured: [],
      connections: [],
      browsers: [],
    });
    expect(outcome.status).toBe('ok');
    expect(outcome.summary).toBe('the host runs no connections');
  });
});
