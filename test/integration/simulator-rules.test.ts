import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launch, type Browser, type Page } from 'puppeteer-core';
import {
  chromiumExecutable,
  chromiumPidsFor,
  requireChromiumExecutable,
  sandboxChromiumArgs,
} from '../simulator/chromium.js';
import { simulatorPageHtml, type BrowserConditions } from '../simulator/page.js';
import { openSimulatorTab } from '../simulator/tab.js';

const headlessUserAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36';
const desktopUserAgent =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let userDataDir: string;
let browser: Browser;

beforeAll(async () => {
  requireChromiumExecutable();
  userDataDir = mkdtempSync('/tmp/wr-sim-rules-');
  // Launched by puppeteer with --enable-automation, so navigator.webdriver is true
  // in every tab.
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

interface Emulation {
  userAgent: string;
  acceptLanguage: string;
  width: number;
  height: number;
}

const desktop: Emulation = {
  userAgent: desktopUserAgent,
  acceptLanguage: 'en-US,en',
  width: 1280,
  height: 800,
};

/** Returns the index of the rule the page applies under `emulation`, or -1. */
async function matchingRule(conditions: BrowserConditions, emulation: Emulation): Promise<number> {
  const html = simulatorPageHtml({
    disconnectRules: [{ when: conditions, afterReadyMs: 60_000 }],
  });
  const tab = await openSimulatorTab(browser, html, (page) => emulate(page, emulation));
  try {
    return (await tab.evaluate(() => window.__simulator.matchingRule())) as number;
  } finally {
    await tab.close();
  }
}

async function emulate(tab: Page, emulation: Emulation): Promise<void> {
  const session = await tab.createCDPSession();
  await session.send('Emulation.setUserAgentOverride', {
    userAgent: emulation.userAgent,
    acceptLanguage: emulation.acceptLanguage,
  });
  await tab.setViewport({ width: emulation.width, height: emulation.height });
}

describe('simulator disconnect rules', () => {
  test.each<[string, BrowserConditions, Emulation, number]>([
    [
      'user agent matches',
      { userAgentIncludes: 'HeadlessChrome' },
      { ...desktop, userAgent: headlessUserAgent },
      0,
    ],
    ['user agent differs', { userAgentIncludes: 'HeadlessChrome' }, desktop, -1],
    [
      'languages match',
      { languages: ['de-DE', 'de'] },
      { ...desktop, acceptLanguage: 'de-DE,de' },
      0,
    ],
    ['languages differ', { languages: ['de-DE', 'de'] }, desktop, -1],
    [
      'window size matches',
      { innerWidth: 800, innerHeight: 600 },
      { ...desktop, width: 800, height: 600 },
      0,
    ],
    ['window size differs', { innerWidth: 800, innerHeight: 600 }, desktop, -1],
    ['webdriver matches', { webdriver: true }, desktop, 0],
    ['webdriver differs', { webdriver: false }, desktop, -1],
    [
      'all conditions needed',
      { userAgentIncludes: 'HeadlessChrome', innerWidth: 800 },
      { ...desktop, userAgent: headlessUserAgent },
      -1,
    ],
  ])('rule %s', async (_name, conditions, emulation, expected) => {
    expect(await matchingRule(conditions, emulation)).toBe(expected);
  });
});
