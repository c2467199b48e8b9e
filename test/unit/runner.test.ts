import { describe, expect, it } from 'vitest';
import { overallStatus, runChecks } from '../../src/health/runner.js';
import type { Check, CheckEnvironment, CheckResult } from '../../src/health/types.js';

const environment = {} as Omit<CheckEnvironment, 'signal'>;

function check(id: string, run: Check['run']): Check {
  return { id, title: id, run };
}

describe('runner', () => {
  it('runner times out a hanging check alone', async () => {
    let aborted = false;
    const hanging = check('hang', (env) => {
      env.signal.addEventListener('abort', () => (aborted = true));
      return new Promise(() => {});
    });
    const quick = check('quick', async () => ({
      status: 'ok',
      summary: 'fine',
      details: {},
      remedy: null,
    }));

    const started = Date.now();
    const results = await runChecks([hanging, quick], environment, { timeoutMs: 200 });

    expect(Date.now() - started).toBeLessThan(2000);
    expect(results.map((result) => result.id)).toEqual(['hang', 'quick']);
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.summary).toContain('did not finish within');
    expect(results[0]?.details).toMatchObject({ timedOut: true });
    expect(results[1]?.status).toBe('ok');
    expect(aborted).toBe(true);
  });

  it('runner turns a thrown error into a failure', async () => {
    const broken = check('broken', async () => {
      throw new Error('boom');
    });
    const [result] = await runChecks([broken], environment, { timeoutMs: 1000 });
    expect(result?.status).toBe('fail');
    expect(result?.summary).toContain('boom');
  });

  it('runner passes the deadline', async () => {
    let deadline: number | undefined;
    const seeing = check('deadline', async (env) => {
      deadline = env.deadline;
      return { status: 'ok', summary: '', details: {}, remedy: null };
    });

    const before = Date.now();
    await runChecks([seeing], environment, { timeoutMs: 3000 });
    const after = Date.now();

    expect(deadline).toBeGreaterThanOrEqual(before + 3000);
    expect(deadline).toBeLessThanOrEqual(after + 3000);
  });

  it('runner reports progress per check', async () => {
    const seen: string[] = [];
    const ok = (id: string) =>
      check(id, async () => ({ status: 'ok', summary: '', details: {}, remedy: null }));
    await runChecks([ok('a'), ok('b')], environment, {
      timeoutMs: 1000,
      onResult: (result, finished, total) => seen.push(`${result.id}:${finished}/${total}`),
    });
    const counts = seen.map((entry) => entry.split(':')[1]).sort();
    expect(counts).toEqual(['1/2', '2/2']);
    expect(seen.map((entry) => entry.split(':')[0]).sort()).toEqual(['a', 'b']);
  });

  it('overall status is the worst check', () => {
    const result = (status: CheckResult['status']) =>
      ({
        id: status,
        status,
        summary: '',
        details: {},
        remedy: null,
        durationMs: 0,
      }) as CheckResult;
    expect(overallStatus([result('ok'), result('skip')])).toBe('ok');
    expect(overallStatus([result('ok'), result('warn')])).toBe('warn');
    expect(overallStatus([result('warn'), result('fail'), result('skip')])).toBe('fail');
    expect(overallStatus([])).toBe('ok');
  });
});
