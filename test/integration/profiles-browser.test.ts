import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from 'whatsapp-web.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createClient } from '../../src/core/client-factory.js';
import { loadProfile, type Profile } from '../../src/core/profiles.js';
import { describeLaunch } from '../../src/core/profiles/launch.js';
import {
  chromiumExecutable,
  chromiumPidsFor,
  connectSimulator,
  nextEvent,
  requireChromiumExecutable,
  sandboxChromiumArgs,
  writeSimulatorPage,
} from '../simulator/index.js';

/** What the simulator page observes of the browser. */
interface Observed {
  userAgent: string;
  languages: string[];
  webdriver: boolean;
  innerWidth: number;
  outerWidth: number;
  outerHeight: number;
  screen: [number, number];
}

interface Launched {
  client: Client;
  userDataDir: string;
  browserPid: number;
}

const wwebjsUserAgent =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/101.0.4951.67 Safari/537.36';
// The simulator applies the first rule whose conditions all hold, so the
// index of that rule shows which look the page observed.
const desktopRule = {
  when: { innerWidth: 1920, languages: ['en-US', 'en'] },
  afterReadyMs: 60_000,
};
const headlessRule = { when: { userAgentIncludes: 'HeadlessChrome' }, afterReadyMs: 60_000 };
const webdriverRule = { when: { webdriver: true }, afterReadyMs: 60_000 };

let root: string;
let config: Config;
const launched: Launched[] = [];

beforeAll(async () => {
  requireChromiumExecutable();
  root = await mkdtemp('/tmp/wr-profiles-browser-');
  const page = await writeSimulatorPage(path.join(root, 'cache'), {
    disconnectRules: [desktopRule, headlessRule, webdriverRule],
  });
  await writeFile(
    path.join(root, 'custom.json'),
    JSON.stringify({
      name: 'custom',
      description: 'string arguments and a language',
      headless: true,
      lang: 'pt-BR',
      args: "--no-sandbox '--window-size=1280,720'",
    }),
  );
  config = configSchema.parse({
    profilesDir: root,
    chromium: { executablePath: chromiumExecutable, extraArgs: [...sandboxChromiumArgs] },
    whatsapp: { webVersion: page.webVersion, webVersionCache: page.webVersionCache },
  });
});

afterEach(async () => {
  for (const entry of launched.splice(0)) {
    await entry.client.destroy();
    expect(await leftoverPids(entry.userDataDir)).toEqual([]);
  }
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/**
 * Returns the processes still running on `userDataDir` 5 s after
 * client.destroy(), because helper processes may exit a little after the
 * browser. Kills those, so that a failing test leaves nothing running.
 */
async function leftoverPids(userDataDir: string): Promise<number[]> {
  const deadline = Date.now() + 5_000;
  let pids = chromiumPidsFor(userDataDir);
  while (pids.length > 0 && Date.now() < deadline) {
    await sleep(100);
    pids = chromiumPidsFor(userDataDir);
  }
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids;
}

/** Launches `profile` through the connection core's client factory and waits for the first QR. */
async function launch(profile: Profile): Promise<Launched> {
  const credentialsDir = path.join(root, 'auth');
  const client = createClient({
    config,
    profile,
    clientId: profile.name,
    credentialsDir,
    qrMaxRetries: 5,
  });
  const qr = nextEvent(client, 'qr', 30_000);
  const initialized = client.initialize();
  const entry = {
    client,
    userDataDir: path.join(credentialsDir, `session-${profile.name}`),
    browserPid: 0,
  };
  launched.push(entry);
  await Promise.race([qr, initialized.then(() => qr)]);
  entry.browserPid = client.pupBrowser!.process()!.pid!;
  return entry;
}

async function observe(client: Client): Promise<Observed> {
  return client.pupPage!.evaluate(() => ({
    userAgent: navigator.userAgent,
    languages: [...navigator.languages],
    webdriver: navigator.webdriver,
    innerWidth: window.innerWidth,
    outerWidth: window.outerWidth,
    outerHeight: window.outerHeight,
    screen: [screen.width, screen.height] as [number, number],
  }));
}

async function matchingRule(userDataDir: string): Promise<number> {
  const simulator = await connectSimulator(userDataDir);
  try {
    return await simulator.matchingRule();
  } finally {
    await simulator.close();
  }
}

/** Counts the processes under `pid`, itself included. */
function processTreeSize(pid: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may contain spaces, so fields are read after its ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process exited while /proc was read.
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, parent] of parents) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  return tree.size;
}

describe('shipped profiles in Chromium', () => {
  it.each(['default', 'minimal', 'low-memory'])(
    '%s looks like wwebjs desktop Chrome',
    async (name) => {
      const { client, userDataDir } = await launch(await loadProfile(config, name));
      const seen = await observe(client);
      expect(seen.userAgent).toBe(wwebjsUserAgent);
      expect(seen.webdriver).toBe(false);
      expect(await matchingRule(userDataDir)).toBe(-1);
    },
  );

  it('desktop shows a desktop browser', async () => {
    const profile = await loadProfile(config, 'desktop');
    const { client, userDataDir } = await launch(profile);
    const seen = await observe(client);
    expect(seen.userAgent).toBe(profile.userAgent);
    expect(seen.userAgent).toMatch(
      /^Mozilla\/5\.0 \(Windows NT 10\.0; Win64; x64\).* Chrome\/156\.0\.0\.0 Safari\/537\.36$/,
    );
    expect(seen.userAgent).not.toContain('Headless');
    expect(seen.webdriver).toBe(false);
    expect(seen.languages).toEqual(['en-US', 'en']);
    expect(seen.innerWidth).toBe(1920);
    expect([seen.outerWidth, seen.outerHeight]).toEqual([1920, 1040]);
    expect(seen.screen).toEqual([1920, 1080]);
    expect(await matchingRule(userDataDir)).toBe(0);
  });

  it('string args and lang reach the page', async () => {
    const { client } = await launch(await loadProfile(config, 'custom'));
    const seen = await observe(client);
    expect(seen.languages).toEqual(['pt-BR', 'pt']);
    expect([seen.outerWidth, seen.outerHeight]).toEqual([1280, 720]);
  });

  it('low-memory runs fewer processes than default', async () => {
    const normal = await launch(await loadProfile(config, 'default'));
    const normalCount = processTreeSize(normal.browserPid);
    const lean = await launch(await loadProfile(config, 'low-memory'));
    const leanCount = processTreeSize(lean.browserPid);
    expect(leanCount, `default ${normalCount}, low-memory ${leanCount}`).toBeLessThan(normalCount);
  });

  it('show matches the browser command line', async () => {
    const profile = await loadProfile(config, 'desktop');
    const { browserPid, userDataDir } = await launch(profile);
    const argv = readFileSync(`/proc/${browserPid}/cmdline`, 'utf8').split('\0').slice(0, -1);
    const described = await describeLaunch(
      profile,
      config,
      AbortSignal.timeout(10_000),
      userDataDir,
    );
    expect(described.executableError).toBeNull();
    expect(argv).toEqual(described.commandLine);
  });
});
