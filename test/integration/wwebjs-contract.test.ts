import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launch, type Browser } from 'puppeteer-core';
import {
  chromiumExecutable,
  chromiumPidsFor,
  requireChromiumExecutable,
  sandboxChromiumArgs,
} from '../simulator/chromium.js';
import { renderSimulatorPage, resolvePageOptions } from '../simulator/page.js';
import { openSimulatorTab } from '../simulator/tab.js';
import { modulesReadBeforeReady, type ModuleReference } from '../simulator/wwebjs-sources.js';

const script = readFileSync(new URL('../simulator/page-script.js', import.meta.url), 'utf8');
const page = renderSimulatorPage(resolvePageOptions({}), script);

let userDataDir: string;
let browser: Browser;
let references: ModuleReference[];

beforeAll(async () => {
  requireChromiumExecutable();
  references = await modulesReadBeforeReady();
  userDataDir = mkdtempSync('/tmp/wr-sim-contract-');
  browser = await launch({
    executablePath: chromiumExecutable,
    args: [...sandboxChromiumArgs],
    userDataDir,
  });
});

afterAll(async () => {
  await browser?.close();
  if (userDataDir) {
    expect(chromiumPidsFor(userDataDir)).toEqual([]);
    rmSync(userDataDir, { recursive: true, force: true });
  }
});

/** Loads `html` as https://web.whatsapp.com/ and returns the names its window.require lacks. */
async function missingModules(html: string, names: string[]): Promise<string[]> {
  const tab = await openSimulatorTab(browser, html);
  try {
    return await tab.evaluate((list: string[]) => {
      return list.filter((name) => {
        try {
          return window.require(name) === undefined;
        } catch {
          return true;
        }
      });
    }, names);
  } finally {
    await tab.close();
  }
}

function describeMissing(missing: string[]): string {
  return missing
    .map((name) => {
      const sources = references.filter((ref) => ref.name === name).map((ref) => ref.source);
      return `${name} (read in ${[...new Set(sources)].join(', ')})`;
    })
    .join('; ');
}

describe('wwebjs contract', () => {
  test('sources name modules before ready', () => {
    const names = new Set(references.map((ref) => ref.name));
    // The modules every QR and ready path reads; an empty scan means the
    // extraction broke, not that wwebjs needs nothing.
    for (const name of ['WAWebSocketModel', 'WAWebCmd', 'WAWebConnModel', 'WAWebCollections']) {
      expect(names).toContain(name);
    }
  });

  test('simulator provides every module', async () => {
    const names = [...new Set(references.map((ref) => ref.name))];
    const missing = await missingModules(page, names);

    expect(missing, `simulator page lacks: ${describeMissing(missing)}`).toEqual([]);
  });

  test('check names a removed module', async () => {
    const removed = '    WAWebSyncGatingUtils: {},\n';
    expect(script).toContain(removed);
    const broken = renderSimulatorPage(resolvePageOptions({}), script.replace(removed, ''));
    const names = [...new Set(references.map((ref) => ref.name))];

    expect(await missingModules(broken, names)).toEqual(['WAWebSyncGatingUtils']);
  });
});
