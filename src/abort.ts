/**
 * Returns a signal that aborts after `timeoutMs`, with a TimeoutError like
 * AbortSignal.timeout(), or as soon as `signal` aborts. On Node 20, a
 * combination of AbortSignal.any() and AbortSignal.timeout() sometimes never
 * aborted in the doctor tests, because the timeout signal can be garbage
 * collected before it fires. Here the timer itself references the controller.
 */
export function timeoutSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const controller = new AbortController();
  if (signal?.aborted) {
    controller.abort(signal.reason);
    return controller.signal;
  }
  const onAbort = () => {
    clearTimeout(timer);
    controller.abort(signal?.reason);
  };
  const timer = setTimeout(() => {
    signal?.removeEventListener('abort', onAbort);
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
  }, timeoutMs);
  // Like AbortSignal.timeout(), the timer alone does not keep the process running.
  timer.unref();
  signal?.addEventListener('abort', onAbort, { once: true });
  return controller.signal;
}
