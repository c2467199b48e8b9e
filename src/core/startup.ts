import type { Client } from 'whatsapp-web.js';
import { formatDuration } from '../output/format.js';
import { WrError } from '../errors.js';

/**
 * Calls initialize() and waits until the client shows a QR or a restored
 * session (authenticated or ready). initialize() navigates with no timeout
 * and can hang forever, so this rejects after `timeoutMs`, and at once when
 * `signal` aborts (a stop during the start). The caller destroys the client
 * on rejection.
 */
export function initializeUntilUp(
  client: Client,
  label: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const events = ['qr', 'authenticated', 'ready'] as const;
    const finish = (error?: Error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      for (const event of events) client.off(event, onUp);
      if (error) reject(error);
      else resolve();
    };
    const onUp = () => finish();
    const onAbort = () =>
      finish(new WrError('START_CANCELLED', `${label}: start cancelled by a stop`));
    const timer = setTimeout(() => {
      const message = `${label}: start timed out after ${formatDuration(timeoutMs)} with no QR and no restored session`;
      finish(
        new WrError('START_TIMEOUT', message, {
          hint: 'run wr doctor, then reset the connection again',
        }),
      );
    }, timeoutMs);

    for (const event of events) client.once(event, onUp);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
    client.initialize().catch((error: unknown) => {
      const cause = error instanceof Error ? error.message : String(error);
      finish(
        new WrError('START_FAILED', `${label}: browser start failed: ${cause}`, { cause: error }),
      );
    });
  });
}
