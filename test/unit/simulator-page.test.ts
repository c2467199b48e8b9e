import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  defaultPageOptions,
  renderSimulatorPage,
  resolvePageOptions,
  writeSimulatorPage,
} from '../simulator/page.js';

const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function optionsIn(html: string): unknown {
  const match = /window\.__simulatorOptions = (.*);<\/script>/.exec(html);
  if (!match) throw new Error('no options script in the page');
  return JSON.parse(match[1] as string);
}

describe('simulator page', () => {
  test('writes version file for local cache', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wr-sim-page-'));
    dirs.push(dir);
    const client = await writeSimulatorPage(dir, { webVersion: '2.3000.42' });

    expect(client).toEqual({
      webVersion: '2.3000.42',
      webVersionCache: { type: 'local', path: dir, strict: true },
    });
    const html = readFileSync(path.join(dir, '2.3000.42.html'), 'utf8');
    expect(html).toContain('window.__simulator = {');
    expect(optionsIn(html)).toMatchObject({ webVersion: '2.3000.42', syncDelayMs: 300 });
  });

  test('options fill defaults', () => {
    const resolved = resolvePageOptions({ syncDelayMs: 10 });

    expect(resolved).toEqual({ ...defaultPageOptions, syncDelayMs: 10 });
  });

  test('options escape script end', () => {
    const html = renderSimulatorPage(
      resolvePageOptions({ pushname: '</script><b>' }),
      '/* script */',
    );

    expect(html.match(/<\/script>/g)).toHaveLength(2);
    expect(optionsIn(html)).toMatchObject({ pushname: '</script><b>' });
  });

  test.each([
    [{ webVersion: '../escape' }, /invalid webVersion "..\/escape"/],
    [{ syncDelayMs: -1 }, /invalid syncDelayMs -1/],
    [{ qrRotateMs: Number.NaN }, /invalid qrRotateMs NaN/],
    [{ disconnectRules: [{ when: {}, afterReadyMs: 10 }] }, /names no browser condition/],
    [
      { disconnectRules: [{ when: { webdriver: true }, afterReadyMs: -5 }] },
      /invalid afterReadyMs -5/,
    ],
  ])('options reject %j', (options, message) => {
    expect(() => resolvePageOptions(options)).toThrow(message);
  });
});
