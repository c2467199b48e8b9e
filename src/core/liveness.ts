import type { Page } from 'puppeteer';
import type { Logger } from './logger.js';
import { withTimeout } from './teardown.js';

export interface LivenessOptions {
  intervalMs: number;
  /** How long one evaluate may take before it counts as missed. */
  timeoutMs: number;
  /** Consecutive misses after which `onFrozen` is called, once. */
  missLimit: number;
  logger: Logger;
  /** Runs after every probe, answered or missed, such as a refresh of memory figures. */
  afterProbe: () => Promise<void>;
  onFrozen: (missed: number) => void;
}

/**
 * Probes a page on an interval with an evaluate that has a timeout. A frozen
 * WhatsApp Web page (the "connected but no messages" case) keeps its socket
 * state but stops running scripts, so no wwebjs event reports it.
 */
export class LivenessProbe {
  /** Consecutive probes the current page did not respond to. */
  missed = 0;

  private timer: ReturnType<typeof setInterval> | null = null;
  private page: Page | null = null;
  private probing = false;

  constructor(private readonly options: LivenessOptions) {}

  start(page: Page): void {
    this.stop();
    this.missed = 0;
    this.page = page;
    this.timer = setInterval(() => void this.probe(page), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.page = null;
  }

  private async probe(page: Page): Promise<void> {
    if (this.probing || this.page !== page) return;
    this.probing = true;
    try {
      const answer = await withTimeout(
        page.evaluate(() => 1).catch(() => undefined),
        this.options.timeoutMs,
      );
      if (this.page !== page) return;
      if (answer === 1) this.missed = 0;
      else this.onMiss();
      await this.options.afterProbe();
    } finally {
      this.probing = false;
    }
  }

  private onMiss(): void {
    this.missed += 1;
    const missed = this.missed;
    this.options.logger.warn(
      { missedProbes: missed },
      'page did not respond to the liveness probe',
    );
    if (missed === this.options.missLimit) {
      this.options.logger.error({ missedProbes: missed }, 'page frozen');
      this.options.onFrozen(missed);
    }
  }
}
