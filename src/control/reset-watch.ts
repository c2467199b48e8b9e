import type { ConnectionEvent, ConnectionSnapshot, ConnectionState } from '../core/types.js';
import { WrError } from '../errors.js';
import type { ResetReporter } from '../output/events.js';
import type { ControlClient } from './client.js';

/** Time the event stream gets to deliver a final state the reset request already returned. */
const streamGraceMs = 1000;

export type ResetOutcomeKind = 'connected' | 'failed' | 'timeout' | 'interrupted';

/** End of a watched reset: its outcome and the last state seen. */
export interface ResetOutcome {
  outcome: ResetOutcomeKind;
  /** Last state seen, and the WhatsApp state or error behind it. */
  state: ConnectionState;
  reason: string | null;
  /** Whether this call attached to a reset that was already running. */
  joined: boolean;
  /** Distinct QR codes shown. */
  qrCount: number;
  durationMs: number;
}

export interface WatchOptions {
  logout: boolean;
  timeoutMs: number;
  /** Aborted on Ctrl-C: watching stops and the reset goes on on the host. */
  signal: AbortSignal;
  reporter: ResetReporter;
}

interface Watch {
  state: ConnectionState;
  reason: string | null;
  qrs: Set<string>;
  /** QR of the browser this reset replaces. That browser is about to close, so its QR is not shown. */
  staleQr: string | null;
}

/**
 * Requests a single-flight reset of one connection and follows its event
 * stream until the connection is CONNECTED or FAILED, the timeout passes, or
 * `signal` is aborted. The reset is requested only once the stream has
 * delivered the connection's current state, so no QR is missed. That first
 * state describes the connection before the reset and ends nothing.
 */
export async function watchReset(
  client: ControlClient,
  id: string,
  options: WatchOptions,
): Promise<ResetOutcome> {
  const started = Date.now();
  const before = await client.get(id, { signal: options.signal });
  const joined = before.busy;
  const watch: Watch = {
    state: before.state,
    reason: before.reason,
    qrs: new Set(),
    staleQr: joined ? null : before.qr,
  };
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort('timeout'), options.timeoutMs);
  const onInterrupt = () => stop.abort('interrupted');
  options.signal.addEventListener('abort', onInterrupt, { once: true });

  if (joined) options.reporter.note(`connection ${id}: attached to the reset already running`);
  let request: Promise<unknown> | undefined;
  try {
    const events = client.events(id, { signal: stop.signal });
    const first = await events.next();
    // Before a new reset the first state is the one the reset replaces, so it
    // is shown only when this call attached to a reset already under way.
    if (!first.done && joined) show(first.value, watch, options.reporter, false);
    const reset = client.reset(id, options.logout ? { logout: true } : {}, { signal: stop.signal });
    request = reset;
    const ending = await Promise.race([
      follow(events, id, watch, options.reporter, stop.signal),
      settleFromRequest(reset, watch),
    ]);
    return finish(ending, watch, joined, started);
  } catch (error) {
    if (stop.signal.aborted) return finish(stop.signal.reason, watch, joined, started);
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onInterrupt);
    stop.abort('done');
    request?.catch(() => undefined);
    options.reporter.finish();
  }
}

/** Reads events until one ends the reset, and returns the outcome. */
async function follow(
  events: AsyncGenerator<ConnectionEvent>,
  id: string,
  watch: Watch,
  reporter: ResetReporter,
  signal: AbortSignal,
): Promise<ResetOutcomeKind> {
  for await (const event of events) {
    const ending = show(event, watch, reporter, true);
    if (ending) return ending;
  }
  if (signal.aborted) return signal.reason as ResetOutcomeKind;
  throw new WrError(
    'CONTROL_STREAM_CLOSED',
    `connection ${id}: the host closed the event stream in state ${watch.state}`,
    { hint: `check that wr serve still runs, then rerun wr connection reset ${id}` },
  );
}

function show(
  event: ConnectionEvent,
  watch: Watch,
  reporter: ResetReporter,
  live: boolean,
): ResetOutcomeKind | undefined {
  if (event.type === 'qr' && event.qr === watch.staleQr) return undefined;
  reporter.event(event);
  return apply(event, watch, live);
}

function apply(event: ConnectionEvent, watch: Watch, live: boolean): ResetOutcomeKind | undefined {
  if (event.type === 'qr') watch.qrs.add(event.qr);
  if (event.type === 'state') {
    watch.state = event.state;
    watch.reason = event.reason;
  }
  if (!live) return undefined;
  if (event.type === 'ready' || (event.type === 'state' && event.state === 'CONNECTED')) {
    watch.state = 'CONNECTED';
    return 'connected';
  }
  if (event.type === 'state' && event.state === 'FAILED') return 'failed';
  return undefined;
}

/**
 * Ends the watch when the reset request fails, or when it resolves in a
 * final state that the stream did not deliver within a short grace period.
 * A reset that is still waiting for a scan leaves the ending to the stream,
 * and this promise never settles.
 */
async function settleFromRequest(
  request: Promise<{ connection: ConnectionSnapshot }>,
  watch: Watch,
): Promise<ResetOutcomeKind> {
  const { connection } = await request;
  if (connection.state !== 'CONNECTED' && connection.state !== 'FAILED') {
    return new Promise<never>(() => {});
  }
  await new Promise((resolve) => setTimeout(resolve, streamGraceMs).unref());
  watch.state = connection.state;
  watch.reason = connection.reason;
  return connection.state === 'CONNECTED' ? 'connected' : 'failed';
}

function finish(
  outcome: ResetOutcomeKind,
  watch: Watch,
  joined: boolean,
  started: number,
): ResetOutcome {
  return {
    outcome,
    state: watch.state,
    reason: watch.reason,
    joined,
    qrCount: watch.qrs.size,
    durationMs: Date.now() - started,
  };
}
