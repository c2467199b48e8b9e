import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type Browser, type Page } from 'puppeteer-core';

/** What the simulator page reports about itself. */
export interface SimulatorState {
  /** Socket.state, a WhatsApp state such as UNPAIRED, PAIRING, CONNECTED, CONFLICT. */
  state: string;
  hasSynced: boolean;
  /** Whether the profile's IndexedDB contains a pairing. */
  paired: boolean;
  /** Current QR reference (Conn.ref), or null before the first QR. */
  ref: string | null;
  /** Automatic QR rotations so far. */
  rotations: number;
  /** Epoch ms when the page set Socket.hasSynced, or null. */
  readyAt: number | null;
  /** Listeners of Socket `change:hasSynced`; wwebjs adds one when inject() finishes. */
  syncListeners: number;
  webVersion: string;
  /** Every name passed to window.require since the page loaded. */
  requestedModules: string[];
  /** Requested names the page does not provide (each threw). */
  missingModules: string[];
}

/** Test-side commands for the simulator page in a running Chromium. */
export interface SimulatorController {
  state(): Promise<SimulatorState>;
  /** The QR string the page offers now (`ref,static key,identity key,adv secret,platform`). */
  qr(): Promise<string | null>;
  /** Sets a new Conn.ref and returns it; wwebjs emits a new `qr`. */
  rotateQr(): Promise<string>;
  /** Accepts a scan: PAIRING, loading screen, CONNECTED, then hasSynced after the sync delay. */
  scan(options?: { syncDelayMs?: number }): Promise<void>;
  /** Moves Socket.state to `state` (CONFLICT, UNPAIRED, TIMEOUT...); UNPAIRED also deletes the stored pairing. */
  drop(state: string): Promise<void>;
  /** Deletes the stored pairing, fires Cmd "logout" and reloads the page, as a logout from the phone does. */
  logoutFromPhone(): Promise<void>;
  /** Starts a busy loop on the page's main thread; later evaluates never return. */
  freeze(): Promise<void>;
  /** Index in `disconnectRules` of the rule the page would apply now, or -1. */
  matchingRule(): Promise<number>;
  /** Disconnects from the browser and leaves it running. */
  close(): Promise<void>;
}

export const simulatorUrl = 'https://web.whatsapp.com/';

/**
 * Connects to the Chromium that runs on `userDataDir` through the DevTools
 * port it records in `<userDataDir>/DevToolsActivePort` (puppeteer launches
 * with --remote-debugging-port=0), then waits for the simulator page. Works
 * from any process on the same machine, not only the one that launched the
 * browser. Retries until `timeoutMs`, because the file can be stale or the
 * page still loading.
 */
export async function connectSimulator(
  userDataDir: string,
  { timeoutMs = 15_000 }: { timeoutMs?: number } = {},
): Promise<SimulatorController> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const browser = await connect({
        browserWSEndpoint: await readDevToolsEndpoint(userDataDir),
        // null keeps puppeteer from resizing the page, which the page observes.
        defaultViewport: null,
      });
      return createController(browser, await findSimulatorPage(browser, deadline));
    } catch (error) {
      lastError = error;
      await sleep(100);
    }
  }
  throw new Error(
    `no simulator page found in the Chromium on ${userDataDir} within ${timeoutMs} ms: ${String(lastError)}`,
  );
}

/** Reads `ws://127.0.0.1:<port><path>` from the DevToolsActivePort file Chromium writes. */
export async function readDevToolsEndpoint(userDataDir: string): Promise<string> {
  const text = await readFile(path.join(userDataDir, 'DevToolsActivePort'), 'utf8');
  const [port, browserPath] = text.split('\n');
  if (!port || !browserPath) throw new Error(`incomplete DevToolsActivePort in ${userDataDir}`);
  return `ws://127.0.0.1:${port}${browserPath}`;
}

async function findSimulatorPage(browser: Browser, deadline: number): Promise<Page> {
  try {
    while (Date.now() < deadline) {
      for (const target of browser.targets()) {
        if (target.type() !== 'page' || !target.url().startsWith(simulatorUrl)) continue;
        const page = await target.page();
        if (page && (await hasSimulator(page))) return page;
      }
      await sleep(50);
    }
    throw new Error('the simulator page did not load');
  } catch (error) {
    await browser.disconnect();
    throw error;
  }
}

async function hasSimulator(page: Page): Promise<boolean> {
  return page.evaluate(() => typeof window.__simulator === 'object').catch(() => false);
}

function createController(browser: Browser, page: Page): SimulatorController {
  const call = <T>(command: SimulatorCommand, ...args: unknown[]): Promise<T> =>
    page.evaluate(
      (name, list) => window.__simulator[name](...(list as [never])) as unknown,
      command,
      args,
    ) as Promise<T>;

  return {
    state: () => call('state'),
    qr: () => call('qr'),
    rotateQr: () => call('rotateQr'),
    scan: (options = {}) => call('scan', options),
    drop: (state) => call('drop', state),
    logoutFromPhone: () => call('logoutFromPhone'),
    freeze: () => call('freeze'),
    matchingRule: () => call('matchingRule'),
    close: () => browser.disconnect(),
  };
}

type SimulatorCommand =
  'state' | 'qr' | 'rotateQr' | 'scan' | 'drop' | 'logoutFromPhone' | 'freeze' | 'matchingRule';

declare global {
  interface Window {
    __simulator: Record<SimulatorCommand | 'moduleNames', (...args: never[]) => unknown>;
  }
}
