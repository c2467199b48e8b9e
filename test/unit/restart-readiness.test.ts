import { describe, expect, test } from 'vitest';
import type { ContainerStatus } from '../../src/docker/types.js';
import { judgeReadiness } from '../../src/restart/readiness.js';

const startedAt = new Date('2026-01-01T10:00:00.000Z');
const before = new Date('2026-01-01T09:59:00.000Z');
const after = new Date('2026-01-01T10:00:01.000Z');

function status(fields: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    id: 'c1',
    name: 'shop-db-1',
    state: 'running',
    exitCode: 0,
    oomKilled: false,
    error: null,
    startedAt,
    finishedAt: null,
    restartCount: 0,
    hasHealthcheck: true,
    health: 'healthy',
    lastProbe: { startedAt: after, exitCode: 0, output: '' },
    ...fields,
  };
}

describe('judgeReadiness', () => {
  test('readiness ignores healthy probe from before start', () => {
    const stale = status({ lastProbe: { startedAt: before, exitCode: 0, output: '' } });
    expect(judgeReadiness(stale, status()).kind).toBe('waiting');
  });

  test('readiness accepts fresh healthy probe', () => {
    expect(judgeReadiness(status(), status()).kind).toBe('ready');
  });

  test('readiness ignores unhealthy probe from before start', () => {
    const stale = status({
      health: 'unhealthy',
      lastProbe: { startedAt: before, exitCode: 1, output: 'old failure' },
    });
    expect(judgeReadiness(stale, status()).kind).toBe('waiting');
  });

  test('readiness fails on fresh unhealthy probe', () => {
    const unhealthy = status({
      health: 'unhealthy',
      lastProbe: { startedAt: after, exitCode: 1, output: 'db not ready' },
    });
    const readiness = judgeReadiness(unhealthy, status());
    expect(readiness.kind).toBe('failed');
    expect(readiness.kind).toBe('failed');
    expect((readiness as { reason: string }).reason).toContain('db not ready');
  });

  test('readiness without healthcheck needs running', () => {
    const plain = status({ hasHealthcheck: false, health: null, lastProbe: null });
    expect(judgeReadiness(plain, plain).kind).toBe('ready');
    expect(judgeReadiness({ ...plain, state: 'created' }, plain).kind).toBe('waiting');
  });

  test('readiness fails on exit', () => {
    const exited = status({ state: 'exited', exitCode: 3 });
    const readiness = judgeReadiness(exited, status());
    expect(readiness.kind).toBe('failed');
    expect((readiness as { reason: string }).reason).toContain('exit code 3');
  });

  test('readiness fails on restart', () => {
    const restarted = status({ startedAt: after, restartCount: 1 });
    expect(judgeReadiness(restarted, status()).kind).toBe('failed');
    expect(judgeReadiness(status({ state: 'restarting' }), status()).kind).toBe('failed');
  });

  test('readiness fails on removed container', () => {
    expect(judgeReadiness(null, status()).kind).toBe('failed');
  });
});
