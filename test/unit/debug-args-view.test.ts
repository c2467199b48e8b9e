import { describe, expect, it } from 'vitest';
import type { DebugArgsResult } from '../../commands/debug-args.js';
import { debugArgsView } from '../../src/output/views/debug-args.js';

const options = { json: false, color: false, quiet: false, verbose: false, interactive: false };

function result(fields: Partial<DebugArgsResult> = {}): DebugArgsResult {
  return {
    type: 'result',
    id: '3',
    reports: [
      {
        profile: 'default',
        verdict: 'dropped',
        launchMs: 1_200,
        readyMs: 2_500,
        disconnects: [{ reason: 'CONFLICT', secondsAfterReady: 61.2 }],
        pssBytes: 300 * 1024 * 1024,
        error: null,
      },
      {
        profile: 'desktop',
        verdict: 'held',
        launchMs: 1_100,
        readyMs: 2_300,
        disconnects: [],
        pssBytes: null,
        error: null,
      },
    ],
    holding: 'desktop',
    host: { paused: true, alreadyPaused: false, resumed: true, error: null },
    saved: null,
    interrupted: false,
    next: null,
    ...fields,
  };
}

describe('debug-args view', () => {
  it('table shows each profile', () => {
    const text = debugArgsView(result(), options);

    expect(text).toContain('CONFLICT 61.2 s after ready');
    expect(text).toContain('300 MiB');
    expect(text).toContain('unreadable');
    expect(text).toContain('profile desktop held on connection 3');
    expect(text).toContain('paused for the run, then resumed');
  });

  it('saved profile lists its changes', () => {
    const saved = {
      profile: 'desktop',
      file: '/etc/wr/config.json',
      previous: 'default',
      host: false,
      hostError: 'control API at /run/wr/control.sock was unreachable',
    };

    const text = debugArgsView(result({ saved }), options);

    expect(text).toContain('/etc/wr/config.json: connection 3 profile default -> desktop');
    expect(text).toContain('not saved on the host: control API at /run/wr/control.sock');
  });

  it('failed resume is shown', () => {
    const host = { paused: true, alreadyPaused: false, resumed: false, error: 'HTTP 500' };

    const text = debugArgsView(result({ host, holding: null }), options);

    expect(text).toContain('resuming connection 3 failed: HTTP 500');
    expect(text).toContain('no profile held on connection 3');
  });
});
