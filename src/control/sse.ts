import type { ServerResponse } from 'node:http';
import type { ConnectionEvent, ConnectionSnapshot, PoolControl } from '../core/types.js';

/** Writes one Server-Sent Event; `data` is one JSON line. */
export function writeEvent(response: ServerResponse, event: ConnectionEvent): void {
  response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

/**
 * Builds the events that describe a connection as it is now: its state, then its
 * current QR. A subscriber that arrives while a QR is shown gets that QR at
 * once instead of waiting for the next rotation.
 */
export function currentEvents(snapshot: ConnectionSnapshot, at: string): ConnectionEvent[] {
  const events: ConnectionEvent[] = [
    { type: 'state', id: snapshot.id, state: snapshot.state, reason: snapshot.reason, at },
  ];
  if (snapshot.state === 'QR' && snapshot.qr) {
    events.push({ type: 'qr', id: snapshot.id, qr: snapshot.qr, at });
  }
  return events;
}

export interface StreamOptions {
  /** Interval of the comment lines that keep proxies and idle timers from closing the stream. */
  heartbeatMs: number;
}

/**
 * Streams the events of one connection until the client goes away: first
 * its current state and QR, then every event the pool emits. Reading the
 * snapshot and subscribing happen in one synchronous step, so no event
 * falls between them. Returns a function that ends the stream.
 */
export function streamEvents(
  pool: PoolControl,
  snapshot: ConnectionSnapshot,
  response: ServerResponse,
  options: StreamOptions,
): () => void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  for (const event of currentEvents(snapshot, new Date().toISOString())) {
    writeEvent(response, event);
  }
  const unsubscribe = pool.subscribe(snapshot.id, (event) => writeEvent(response, event));
  const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), options.heartbeatMs);

  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    response.end();
  };
  response.once('close', end);
  return end;
}
