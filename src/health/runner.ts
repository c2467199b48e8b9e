import { formatDuration } from '../output/format.js';
import type { Check, CheckEnvironment, CheckResult, CheckStatus } from './types.js';

export interface RunChecksOptions {
  timeoutMs: number;
  /** Aborted on Ctrl-C: every running check is aborted and reported as skipped. */
  signal?: AbortSignal;
  /** Called when a check ends, so the caller can show progress. */
  onResult?: (result: CheckResult, finished: number, total: number) => void;
}

/**
 * Runs checks concurrently. Each gets its own timeout, abort signal and
 * deadline, so a check stuck on a dependency ends as a failure instead of
 * stalling the rest.
 */
export async function runChecks(
  checks: Check[],
  environment: Omit<CheckEnvironment, 'signal' | 'deadline'>,
  options: RunChecksOptions,
): Promise<CheckResult[]> {
  let finished = 0;
  const results = checks.map(async (check) => {
    const result = await runOne(check, environment, options.timeoutMs, options.signal);
    finished += 1;
    options.onResult?.(result, finished, checks.length);
    return result;
  });
  return Promise.all(results);
}

async function runOne(
  check: Check,
  environment: Omit<CheckEnvironment, 'signal' | 'deadline'>,
  timeoutMs: number,
  interrupt?: AbortSignal,
): Promise<CheckResult> {
  const controller = new AbortController();
  const deadline = Date.now() + timeoutMs;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout' | 'interrupted'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    interrupt?.addEventListener('abort', () => resolve('interrupted'), { once: true });
    if (interrupt?.aborted) resolve('interrupted');
  });

  try {
    const outcome = await Promise.race([
      check.run({ ...environment, signal: controller.signal, deadline }),
      timeout,
    ]);
    const durationMs = Math.round(performance.now() - started);
    if (outcome === 'interrupted') {
      const summary = `${check.title} check interrupted`;
      return { id: check.id, status: 'skip', summary, details: {}, remedy: null, durationMs };
    }
    if (outcome === 'timeout') {
      return {
        id: check.id,
        status: 'fail',
        summary: `${check.title} check did not finish within ${formatDuration(timeoutMs)}`,
        details: { timedOut: true, timeoutMs },
        remedy: `rerun with a longer limit: wr doctor --check ${check.id} --timeout 60s`,
        durationMs,
      };
    }
    return { id: check.id, ...outcome, durationMs };
  } catch (error) {
    return {
      id: check.id,
      status: 'fail',
      summary: `${check.title} check failed: ${error instanceof Error ? error.message : String(error)}`,
      details: { error: error instanceof Error ? error.message : String(error) },
      remedy: null,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

const severity: Record<CheckStatus, number> = { ok: 0, skip: 0, warn: 1, fail: 2 };

/** Returns the overall status of a report: that of the worst check, where skip counts as ok. */
export function overallStatus(results: CheckResult[]): 'ok' | 'warn' | 'fail' {
  const worst = Math.max(0, ...results.map((result) => severity[result.status]));
  if (worst === 2) return 'fail';
  if (worst === 1) return 'warn';
  return 'ok';
}
