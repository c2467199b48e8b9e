import { describe, expect, it } from 'vitest';
import { createTable, wrapText } from '../../src/output/table.js';

describe('table', () => {
  it('wrapText breaks at spaces', () => {
    expect(wrapText('one two three four', 9)).toBe('one two\nthree\nfour');
  });

  it('wrapText splits a long path instead of cutting it', () => {
    const path = '/srv/whatrestaurant/backend/.wwebjs_auth/session-bd_7';
    const wrapped = wrapText(`rm ${path}`, 20);
    expect(wrapped.replace(/\n/g, '')).toBe(`rm${path}`);
    for (const line of wrapped.split('\n')) expect(line.length).toBeLessThanOrEqual(20);
    expect(wrapped).not.toContain('…');
  });

  it('wrapText leaves short coloured text whole', () => {
    const coloured = '\x1b[33mwarn\x1b[39m';
    expect(wrapText(coloured, 6)).toBe(coloured);
  });

  it('table keeps every character of a long cell', () => {
    const table = createTable(['remedy'], [16], { color: false });
    const remedy = "rm '/work/main/.sandbox/backend/.wwebjs_auth/session-bd_1/SingletonLock'";
    table.push([remedy]);
    const text = table
      .toString()
      .split('\n')
      .map((line) => line.replace(/^[│┌└├]\s?|\s*[│┐┘┤]$/g, '').trim())
      .join('');
    expect(text.replace(/[─┬┴┼]/g, '')).toContain(remedy.replace(/ /g, ''));
  });
});
