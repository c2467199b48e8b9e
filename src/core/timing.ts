import { defaultBackoff, type BackoffPolicy } from './backoff.js';

/** Timeouts, intervals and limits of a connection, in ms or counts. */
export interface ConnectionTiming {
  /** How long a start may take to reach a QR or a restored session. */
  startTimeoutMs: number;
  /** How long destroy() may take before the browser is killed. */
  closeTimeoutMs: number;
  /** Interval of the liveness probe (an evaluate on the page). */
  probeIntervalMs: number;
  /** How long one probe may take before it counts as missed. */
  probeTimeoutMs: number;
  /** Consecutive missed probes after which the page counts as frozen and the pool resets it. */
  probeMissLimit: number;
  /** QR refreshes wwebjs shows in one browser before it gives up (its `qrMaxRetries`). */
  qrMaxRetries: number;
  /** Times a connection with an unscanned QR is started again before it is marked FAILED. */
  qrReinitializeLimit: number;
  /** Delays of automatic restarts after the browser exits. */
  backoff: BackoffPolicy;
}

// WhatsApp Web rotates the QR about every 20 s, so 6 refreshes wait about
// 2 minutes for a scan per browser.
export const defaultTiming: ConnectionTiming = {
  startTimeoutMs: 120_000,
  closeTimeoutMs: 10_000,
  probeIntervalMs: 30_000,
  probeTimeoutMs: 10_000,
  probeMissLimit: 3,
  qrMaxRetries: 6,
  qrReinitializeLimit: 2,
  backoff: defaultBackoff,
};

export function resolveTiming(overrides: Partial<ConnectionTiming> = {}): ConnectionTiming {
  return { ...defaultTiming, ...overrides };
}
