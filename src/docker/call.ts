import { engineError } from './errors.js';

/** Default limit of one engine call, in milliseconds. */
export const defaultCallTimeoutMs = 5_000;

export interface CallContext {
  host: string;
  timeoutMs: number;
}

/**
 * Runs one engine request under a time limit and the caller's signal.
 * dockerode receives the combined signal; the race below still settles the
 * call if a request ignores it. An abort by the caller rejects with the
 * signal's reason, while the time limit or a network error rejects with a
 * WrError naming the host.
 */
export async function callEngine<T>(
  context: CallContext,
  operation: string,
  external: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  external?.throwIfAborted();
  const timeout = AbortSignal.timeout(context.timeoutMs);
  const signal = external ? AbortSignal.any([timeout, external]) : timeout;
  try {
    return await Promise.race([run(signal), rejectOnAbort(signal)]);
  } catch (error) {
    if (external?.aborted) throw external.reason;
    throw engineError(context.host, operation, error, context.timeoutMs, timeout.aborted);
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
