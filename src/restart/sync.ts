import type { ControlClient } from '../control/client.js';
import type { ConnectionSnapshot, ConnectionState } from '../core/types.js';

/** How often the connections are listed while waiting, in milliseconds. */
const defaultIntervalMs = 1_000;

/** States a connection leaves by itself; the wait goes on while any connection is in one. */
const transient: ConnectionState[] = ['STARTING', 'SYNCING', 'DISCONNECTED'];

export interface SyncProgress {
  type: 'sync';
  at: string;
  connected: number;
  total: number;
  elapsedMs: number;
  /** False while the control API does not respond yet, as when the backend that hosts it starts. */
  reachable: boolean;
}

export interface SyncOutcome {
  status: 'synced' | 'settled' | 'timeout' | 'interrupted';
  connected: number;
  total: number;
  durationMs: number;
  /** Connections that are not CONNECTED, with their state and reason. */
  pending: Array<{ id: string; state: ConnectionState | 'unknown'; reason: string | null }>;
}

export interface SyncOptions {
  timeoutMs: number;
  signal: AbortSignal;
  now: () => Date;
  onProgress: (progress: SyncProgress) => void;
  intervalMs?: number;
}

/**
 * Lists the host's connections until every one is CONNECTED ("synced"),
 * none is in a state it leaves by itself ("settled": some wait for a QR scan
 * or failed), `timeoutMs` passes, or the signal aborts. Failed requests
 * count as a host still starting.
 */
export async function waitForSync(
  client: ControlClient,
  options: SyncOptions,
): Promise<SyncOutcome> {
  const began = options.now().getTime();
  const deadline = began + options.timeoutMs;
  let last: ConnectionSnapshot[] | null = null;
  for (;;) {
    const listed = await client.list({ signal: options.signal }).catch(() => null);
    if (options.signal.aborted) {
      return outcome('interrupted', last, options.now().getTime() - began);
    }
    if (listed) last = listed;
    const elapsedMs = options.now().getTime() - began;
    const connected = (last ?? []).filter((connection) => connection.state === 'CONNECTED').length;
    const total = last?.length ?? 0;
    const at = options.now().toISOString();
    options.onProgress({
      type: 'sync',
      at,
      connected,
      total,
      elapsedMs,
      reachable: listed !== null,
    });

    if (listed && connected === total) return outcome('synced', listed, elapsedMs);
    if (listed && !listed.some((connection) => transient.includes(connection.state))) {
      return outcome('settled', listed, elapsedMs);
    }
    if (options.now().getTime() >= deadline) return outcome('timeout', last, elapsedMs);
    await sleep(options.intervalMs ?? defaultIntervalMs, options.signal);
  }
}

function outcome(
  status: SyncOutcome['status'],
  connections: ConnectionSnapshot[] | null,
  durationMs: number,
): SyncOutcome {
  const list = connections ?? [];
  const pending = list
    .filter((connection) => connection.state !== 'CONNECTED')
    .map(({ id, state, reason }) => ({ id, state, reason }));
  return {
    status,
    connected: list.length - pending.length,
    total: list.length,
    durationMs,
    pending,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
