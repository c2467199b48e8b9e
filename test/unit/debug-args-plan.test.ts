import { describe, expect, it } from 'vitest';
import { compareVersions } from '../../src/debug-args/chromium-version.js';
import { offlineEstimateMs, watchDuration } from '../../src/debug-args/plan.js';
import { WrError } from '../../src/errors.js';

describe('debug-args plan', () => {
  it('versions compare part by part', () => {
    expect(compareVersions('156.0.8078.114', '156.0.8078.114')).toBe(0);
    expect(compareVersions('157.0.1.0', '156.0.8078.114')).toBeGreaterThan(0);
    expect(compareVersions('156.0.999.0', '156.0.8078.114')).toBeLessThan(0);
    expect(compareVersions('156.0', '156.0.0.1')).toBeLessThan(0);
  });

  it('watch defaults to three minutes', () => {
    expect(watchDuration(undefined)).toBe(180_000);
    expect(watchDuration('5s')).toBe(5_000);
  });

  it('watch of zero is rejected', () => {
    expect(() => watchDuration('0s')).toThrow(WrError);
    expect(() => watchDuration('soon')).toThrow('--watch "soon"');
  });

  it('estimate counts watch and start per profile', () => {
    expect(offlineEstimateMs(4, 180_000)).toBe(4 * 240_000);
  });
});
