import { describe, expect, it } from 'vitest';
import type { ConnectionSnapshot } from '../../src/core/types.js';
import { evaluateConnections } from '../../src/health/checks/connections.js';
import { connectionSnapshot } from '../harness/fixtures.js';

function snapshot(fields: Partial<ConnectionSnapshot>): ConnectionSnapshot {
  return connectionSnapshot('3', {
    clientId: 'bd_3',
    state: 'DISCONNECTED',
    reason: 'CONFLICT',
    startedAt: '2026-12-04T10:00:00.000Z',
    readyAt: '2026-12-04T10:00:20.000Z',
    ...fields,
  });
}

function outcomeOf(connection: ConnectionSnapshot) {
  return evaluateConnections({
    connections: [connection],
    configured: ['3'],
    browsers: [],
    credentialsPath: null,
    host: '/run/wr/control.sock',
    scanProblems: [],
  });
}

describe('connections check remedy', () => {
  it('drop after ready names debug-args', () => {
    const outcome = outcomeOf(snapshot({}));

    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('connection 3 DISCONNECTED (CONFLICT) after it was ready');
    expect(outcome.remedy).toContain('wr connection reset 3');
    expect(outcome.remedy).toContain('wr debug-args 3 --profile all');
  });

  it('drop before ready names only reset', () => {
    const outcome = outcomeOf(snapshot({ readyAt: null }));

    expect(outcome.remedy).toBe('wr connection reset 3');
  });

  it('logout names only reset', () => {
    const outcome = outcomeOf(snapshot({ reason: 'LOGOUT' }));

    expect(outcome.remedy).toBe('wr connection reset 3');
  });
});
