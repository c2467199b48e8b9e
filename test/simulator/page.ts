import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What a page can observe about its browser; a rule matches when all conditions given hold. */
export interface BrowserConditions {
  /** navigator.userAgent contains this text, such as `HeadlessChrome`. */
  userAgentIncludes?: string;
  /** navigator.webdriver is this value. */
  webdriver?: boolean;
  /** navigator.languages is exactly this list, in order (an empty list matches `[]`). */
  languages?: string[];
  /** window.innerWidth in CSS pixels. */
  innerWidth?: number;
  /** window.innerHeight in CSS pixels. */
  innerHeight?: number;
}

/** A session drop the page schedules when it observes the given browser properties. */
export interface DisconnectRule {
  when: BrowserConditions;
  /** Delay in ms from the moment the page sets Socket.hasSynced (just before wwebjs `ready`). */
  afterReadyMs: number;
  /** WhatsApp state the page moves to, default `UNPAIRED` (which also deletes the stored pairing). */
  state?: string;
}

export interface SimulatorPageOptions {
  /** Version in window.Debug.VERSION and the cache file name; default 2.3000.1000000000. */
  webVersion?: string;
  /** Delay in ms from page load to the first QR (or to the restore of a paired session). */
  openDelayMs?: number;
  /** Delay in ms from a scan to Socket.hasSynced (the loading screen runs meanwhile). */
  syncDelayMs?: number;
  /** Delay in ms from the restore start (after openDelayMs) to Socket.hasSynced for a paired profile. */
  restoreDelayMs?: number;
  /** Interval in ms of automatic QR rotation; 0 rotates only on request. */
  qrRotateMs?: number;
  /** Automatic rotations before the page stops at UNPAIRED_IDLE; null for no limit. */
  qrMaxRotations?: number | null;
  /** Delay in ms between the Cmd "logout" event and the page reload on a logout from the phone. */
  logoutReloadDelayMs?: number;
  /** Last field of the QR string. */
  platform?: string;
  /** Phone number of the simulated account, digits only. */
  phoneNumber?: string;
  pushname?: string;
  disconnectRules?: DisconnectRule[];
}

/** Options for whatsapp-web.js's Client that make it load the written page. */
export interface SimulatorClientOptions {
  webVersion: string;
  webVersionCache: { type: 'local'; path: string; strict: true };
}

export const defaultPageOptions: Required<SimulatorPageOptions> = {
  webVersion: '2.3000.1000000000',
  openDelayMs: 50,
  syncDelayMs: 300,
  restoreDelayMs: 100,
  qrRotateMs: 0,
  qrMaxRotations: null,
  logoutReloadDelayMs: 500,
  platform: 'WEB',
  phoneNumber: '15550000001',
  pushname: 'Simulated Restaurant',
  disconnectRules: [],
};

const scriptPath = new URL('./page-script.js', import.meta.url);

/**
 * Writes the simulator page to `<dir>/<webVersion>.html`, where wwebjs's local
 * web version cache reads it, and returns the Client options that load it.
 */
export async function writeSimulatorPage(
  dir: string,
  options: SimulatorPageOptions = {},
): Promise<SimulatorClientOptions> {
  const resolved = resolvePageOptions(options);
  const html = renderSimulatorPage(resolved, await readFile(scriptPath, 'utf8'));

  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `${resolved.webVersion}.html`), html);
  return {
    webVersion: resolved.webVersion,
    webVersionCache: { type: 'local', path: dir, strict: true },
  };
}

/** Returns the page HTML for `options` without writing a file. */
export function simulatorPageHtml(options: SimulatorPageOptions = {}): string {
  return renderSimulatorPage(resolvePageOptions(options), readFileSync(scriptPath, 'utf8'));
}

/** Merges `options` over the defaults and rejects values the page cannot use. */
export function resolvePageOptions(options: SimulatorPageOptions): Required<SimulatorPageOptions> {
  const resolved = { ...defaultPageOptions, ...options };
  if (!/^[\w.-]+$/.test(resolved.webVersion)) {
    throw new Error(`invalid webVersion "${resolved.webVersion}": use letters, digits, . _ -`);
  }
  for (const key of delayKeys) {
    const value = resolved[key];
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`invalid ${key} ${value}: expected a number of ms >= 0`);
    }
  }
  for (const rule of resolved.disconnectRules) {
    if (Object.keys(rule.when).length === 0) {
      throw new Error('invalid disconnect rule: `when` names no browser condition');
    }
    if (!Number.isFinite(rule.afterReadyMs) || rule.afterReadyMs < 0) {
      throw new Error(`invalid afterReadyMs ${rule.afterReadyMs}: expected a number of ms >= 0`);
    }
  }
  return resolved;
}

const delayKeys = [
  'openDelayMs',
  'syncDelayMs',
  'restoreDelayMs',
  'qrRotateMs',
  'logoutReloadDelayMs',
] as const;

/** Builds the HTML: the options as JSON, then the simulator script. */
export function renderSimulatorPage(
  options: Required<SimulatorPageOptions>,
  script: string,
): string {
  // `<` as \u003c keeps a `</script>` inside an option from closing the tag.
  const json = JSON.stringify(options).replace(/</g, '\\u003c');
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"><title>WhatsApp Web simulator</title>',
    `<script>window.__simulatorOptions = ${json};</script>`,
    `<script>${script}</script>`,
    '</head><body></body></html>',
    '',
  ].join('\n');
}
