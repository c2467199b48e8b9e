import { describe, expect, it } from 'vitest';
import type { ControlClient } from '../../src/control/client.js';
import { watchReset } from '../../src/control/reset-watch.js';
import type { ConnectionEvent, ConnectionSnapshot } from '../../src/core/types.js';
import type { ResetReporter } from '../../src/output/events.js';
import { connectionSnapshot } from '../harness/fixtures.js';

const at = '2026-01-01T00:00:00.000Z';

function snapshot(fields: Partial<ConnectionSnapshot>): ConnectionSnapshot {
  return connectionSnapshot('3', { clientId: 'bd_3', browserPid: 10, uptimeSeconds: 5, ...fields });
}

/** A host whose stream first sends the current state, then the reset's events. */
function fakeHost(before: ConnectionSnapshot, resetEvents: ConnectionEvent[]): ControlClient {
  let release: () => void = () => {};
  const resetRequested = new Promise<void>((resolve) => (release = resolve));
  return {
    get: async () => before,
    reset: async () => {
      release();
      return { connection: snapshot({ state: 'STARTING', busy: true }), joined: false };
    },
    async *events() {
      yield { type: 'state', id: '3', state: before.state, reason: null, at } as ConnectionEvent;
      await resetRequested;
      for (const event of resetEvents) yield event;
    },
  } as unknown as ControlClient;
}

function recordingReporter(shown: ConnectionEvent[]): ResetReporter {
  return { event: (event) => shown.push(event), note: () => {}, finish: () => {} };
}

describe('reset watch', () => {
  it('watch hides the state the reset replaces', async () => {
    const shown: ConnectionEvent[] = [];
    const host = fakeHost(snapshot({ state: 'CONNECTED' }), [
      { type: 'state', id: '3', state: 'STARTING', reason: null, at },
      { type: 'state', id: '3', state: 'CONNECTED', reason: null, at },
    ]);
    const result = await watchReset(host, '3', {
      logout: false,
      timeoutMs: 5000,
      signal: new AbortController().signal,
      reporter: recordingReporter(shown),
    });
    expect(result.outcome).toBe('connected');
    expect(result.joined).toBe(false);
    expect(shown.map((event) => (event.type === 'state' ? event.state : event.type))).toEqual([
      'STARTING',
      'CONNECTED',
    ]);
  });

  it('joined watch shows the current state first', async () => {
    const shown: ConnectionEvent[] = [];
    const host = fakeHost(snapshot({ state: 'QR', busy: true }), [
      { type: 'state', id: '3', state: 'CONNECTED', reason: null, at },
    ]);
    const result = await watchReset(host, '3', {
      logout: false,
      timeoutMs: 5000,
      signal: new AbortController().signal,
      reporter: recordingReporter(shown),
    });
    expect(result.joined).toBe(true);
    expect(shown[0]).toMatchObject({ type: 'state', state: 'QR' });
  });
});
