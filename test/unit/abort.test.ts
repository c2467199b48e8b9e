import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { timeoutSignal } from '../../src/abort.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Resolves with the abort reason of `signal`, or with 'not aborted' after `ms`. */
function abortReason(signal: AbortSignal, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('not aborted'), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(signal.reason);
    });
  });
}

describe('timeout signal', () => {
  it('aborts with TimeoutError', async () => {
    const reason = await abortReason(timeoutSignal(20, new AbortController().signal), 2_000);
    expect((reason as DOMException).name).toBe('TimeoutError');
  });

  it('follows the source signal', async () => {
    const source = new AbortController();
    const signal = timeoutSignal(60_000, source.signal);
    source.abort(new Error('check cancelled'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('check cancelled');
  });

  it('aborted source aborts at once', () => {
    const signal = timeoutSignal(60_000, AbortSignal.abort('stopped'));
    expect(signal.reason).toBe('stopped');
  });

  it('fires after garbage collection', async () => {
    const source = new AbortController();
    const signals = Array.from({ length: 20 }, () => timeoutSignal(100, source.signal));
    for (let round = 0; round < 3; round += 1) collectGarbage();

    const reasons = await Promise.all(signals.map((signal) => abortReason(signal, 3_000)));
    expect(reasons.map((reason) => (reason as DOMException).name)).toEqual(
      signals.map(() => 'TimeoutError'),
    );
  });
});
