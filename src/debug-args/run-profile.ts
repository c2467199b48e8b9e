import type { Config, ConnectionConfig } from '../config/schema.js';
import { Connection, silentLogger, type ConnectionTiming } from '../core/index.js';
import type { ConnectionEvent } from '../core/types.js';

/** Outcome of one profile in a local run. */
export type Verdict = 'held' | 'dropped' | 'failed to start';

export interface Disconnect {
  reason: string;
  /** Seconds between the last ready and this disconnect. */
  secondsAfterReady: number | null;
}

export interface ProfileReport {
  profile: string;
  verdict: Verdict;
  /** From the start call to the browser showing a QR or restoring the session. */
  launchMs: number | null;
  /** From the start call to WhatsApp Web's ready. */
  readyMs: number | null;
  disconnects: Disconnect[];
  /** Largest PSS seen of the browser's process tree, or null when /proc could not be read. */
  pssBytes: number | null;
  /** Reason the profile failed to start, else null. */
  error: string | null;
}

export interface RunProfileOptions {
  config: Config;
  connection: ConnectionConfig;
  credentialsDir: string;
  profile: string;
  /** How long to watch after ready. */
  watchMs: number;
  /** How long to wait for ready, QR scan included. */
  readyTimeoutMs: number;
  signal: AbortSignal;
  onQr?: (qr: string) => void;
  /** Called at the first ready, with the time from the start call. */
  onReady?: (readyMs: number) => void;
  timing?: Partial<ConnectionTiming>;
}

/**
 * Runs one connection locally with `profile` through the connection core,
 * waits for ready, watches for `watchMs` and records each disconnect. The
 * browser is always closed before this returns.
 */
export async function runProfile(options: RunProfileOptions): Promise<ProfileReport> {
  const connection = new Connection({
    config: options.config,
    connection: { ...options.connection, profile: options.profile },
    credentialsDir: options.credentialsDir,
    logger: silentLogger,
    timing: options.timing,
  });
  const recorder = new RunRecorder(options.profile, connection);
  connection.on('event', (event: ConnectionEvent) => recorder.note(event, options));
  try {
    const started = Date.now();
    recorder.startedAt = started;
    await connection.start();
    recorder.report.launchMs = Date.now() - started;
    const ready = await recorder.waitForReady(options.readyTimeoutMs, options.signal);
    if (ready) await sleep(options.watchMs, options.signal);
  } catch (error) {
    recorder.report.error = error instanceof Error ? error.message : String(error);
  } finally {
    recorder.notePss();
    connection.removeAllListeners('event');
    await connection.stop();
  }
  return recorder.finish();
}

class RunRecorder {
  readonly report: ProfileReport;
  startedAt = 0;
  private lastReadyAt: number | null = null;
  private readyWaiter: (() => void) | null = null;

  constructor(
    profile: string,
    private readonly connection: Connection,
  ) {
    this.report = {
      profile,
      verdict: 'failed to start',
      launchMs: null,
      readyMs: null,
      disconnects: [],
      pssBytes: null,
      error: null,
    };
  }

  note(event: ConnectionEvent, callbacks: Pick<RunProfileOptions, 'onQr' | 'onReady'>): void {
    const at = Date.parse(event.at);
    if (event.type === 'qr') callbacks.onQr?.(event.qr);
    if (event.type === 'ready') {
      this.lastReadyAt = at;
      if (this.report.readyMs === null) {
        this.report.readyMs = at - this.startedAt;
        callbacks.onReady?.(this.report.readyMs);
      }
      this.notePss();
      this.readyWaiter?.();
    }
    if (event.type === 'disconnected') {
      const after = this.lastReadyAt === null ? null : round1((at - this.lastReadyAt) / 1000);
      this.report.disconnects.push({ reason: event.reason, secondsAfterReady: after });
    }
    if (event.type === 'state') this.notePss();
  }

  /** Resolves true at ready, false when `timeoutMs` passes or `signal` aborts first. */
  waitForReady(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (this.report.readyMs !== null) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.readyWaiter = null;
        resolve(ready);
      };
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.readyWaiter = () => done(true);
    });
  }

  notePss(): void {
    const pss = this.connection.snapshot().memory?.pssBytes ?? null;
    if (pss !== null && (this.report.pssBytes === null || pss > this.report.pssBytes)) {
      this.report.pssBytes = pss;
    }
  }

  finish(): ProfileReport {
    const report = this.report;
    if (report.readyMs === null) {
      report.verdict = 'failed to start';
      report.error ??= 'not ready before the time limit';
    } else {
      report.verdict = report.disconnects.length > 0 ? 'dropped' : 'held';
    }
    return report;
  }
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
