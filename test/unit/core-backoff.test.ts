import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/core/backoff.js';

const policy = { initialMs: 1_000, maxMs: 5_000, maxAttempts: 5 };

describe('backoffDelay', () => {
  it('backoff doubles from the initial delay', () => {
    expect(backoffDelay(policy, 1)).toBe(1_000);
    expect(backoffDelay(policy, 2)).toBe(2_000);
    expect(backoffDelay(policy, 3)).toBe(4_000);
  });

  it('backoff stops growing at the maximum', () => {
    expect(backoffDelay(policy, 4)).toBe(5_000);
    expect(backoffDelay(policy, 5)).toBe(5_000);
  });

  it('backoff ends after the last attempt', () => {
    expect(backoffDelay(policy, 6)).toBeNull();
    expect(backoffDelay(policy, 0)).toBeNull();
  });
});
