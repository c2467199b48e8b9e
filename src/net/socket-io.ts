import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { errnoCode } from '../errors.js';

export interface WebSocketProbeOptions {
  lookup?: LookupFunction;
  signal: AbortSignal;
  timeoutMs: number;
}

/** Outcome of a websocket-only socket.io connection attempt. */
export interface WebSocketResult {
  connected: boolean;
  /** Time until the namespace was connected, or until the failure, in milliseconds. */
  latencyMs: number;
  /** The client's error message, or null when connected. */
  error: string | null;
  /** Node.js error code under the client's error (ECONNREFUSED, ...), when it has one. */
  code: string | null;
}

/**
 * Connects with socket.io-client over websocket only, the way a client that
 * skips long-polling does, then disconnects. The URL's path is the namespace,
 * as socket.io-client reads it; `path` is the engine.io path. Resolves with the failure instead of rejecting.
 */
export function connectWebSocket(
  url: URL,
  path: string,
  options: WebSocketProbeOptions,
): Promise<WebSocketResult> {
  // The agent carries the lookup function down to the websocket's TCP connection.
  const agent =
    url.protocol === 'https:'
      ? new https.Agent({ lookup: options.lookup })
      : new http.Agent({ lookup: options.lookup });
  const clientOptions: Partial<ManagerOptions & SocketOptions> = {
    path,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: options.timeoutMs,
    // socket.io-client types `agent` as string | boolean, but in Node.js it hands the
    // value to the ws package, which takes an http.Agent.
    agent: agent as unknown as string,
  };
  const started = performance.now();
  const socket = io(url.href, clientOptions);

  return new Promise<WebSocketResult>((resolve) => {
    const finish = (error: unknown) => {
      options.signal.removeEventListener('abort', onAbort);
      socket.close();
      agent.destroy();
      resolve({
        connected: error === null,
        latencyMs: Math.round(performance.now() - started),
        error: error === null ? null : messageOf(error),
        code: error === null ? null : (codeOf(error) ?? null),
      });
    };
    const onAbort = () => finish(new Error('aborted: the check ran out of time'));
    if (options.signal.aborted) return onAbort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish(null));
    socket.once('connect_error', (error: Error) => finish(error));
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Finds the system error code behind a socket.io-client error: its `description`, or the ws error inside. */
function codeOf(error: unknown): string | undefined {
  const description = (error as { description?: unknown }).description;
  const inner = (description as { error?: unknown } | undefined)?.error;
  return errnoCode(inner) ?? errnoCode(description) ?? errnoCode(error);
}
