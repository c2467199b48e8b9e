import { describe, expect, it } from 'vitest';
import { parseDuration, parseSize } from '../../src/config/units.js';
import { formatBytes, formatDuration } from '../../src/output/format.js';

describe('units', () => {
  it.each([
    ['90s', 90_000],
    ['3d', 259_200_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['45', 45_000],
    ['2w', 1_209_600_000],
  ])('parseDuration reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '3 days', '-5s', '5x'])('parseDuration rejects "%s"', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    ['512MiB', 536_870_912],
    ['2G', 2_147_483_648],
    ['1500', 1500],
    ['1kb', 1000],
  ])('parseSize reads %s', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('parseSize rejects an unknown unit', () => {
    expect(parseSize('5 parsecs')).toBeUndefined();
  });

  it('formatBytes uses binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1.2 * 1024 ** 3)).toBe('1.2 GiB');
  });

  it('formatDuration keeps two units', () => {
    expect(formatDuration(190_000)).toBe('3m 10s');
    expect(formatDuration(3 * 86_400_000 + 5 * 3_600_000 + 7_000)).toBe('3d 5h');
    expect(formatDuration(850)).toBe('850 ms');
  });
});
