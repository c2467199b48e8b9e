import { createRequire } from 'node:module';
import wwebjs from 'whatsapp-web.js';
import type { Config } from '../../config/schema.js';
import { launchArgs } from '../profiles.js';
import type { Profile } from './validate.js';
import { inspectExecutable, type ExecutableInfo } from './wrapper.js';

const require = createRequire(import.meta.url);
const wwebjsVersion = (require('whatsapp-web.js/package.json') as { version: string }).version;
const puppeteerVersion = (require('puppeteer/package.json') as { version: string }).version;

/** Arguments that one party adds to a launch, in the order they reach Chromium. */
export interface LaunchLayer {
  /** Who adds them, such as "profile desktop" or "whatsapp-web.js 1.34.7". */
  source: string;
  args: string[];
}

/** Everything a connection with this profile launches, as `wr profiles show` prints it. */
export interface LaunchDescription {
  executable: ExecutableInfo | null;
  /** Why the executable could not be inspected, or null. */
  executableError: string | null;
  layers: LaunchLayer[];
  /** The user agent of the `--user-agent` argument and of the page. */
  userAgent: { value: string; source: 'profile' | 'whatsapp-web.js default' };
  /** The browser's full argument list, in order; the user data folder is a placeholder. */
  commandLine: string[];
}

const userDataDirPlaceholder = '--user-data-dir=<paths.credentials>/session-<clientId>';

/**
 * Describes the launch of `profile` on this machine, with the arguments that
 * whatsapp-web.js, puppeteer and a Chromium wrapper script add by themselves.
 */
export async function describeLaunch(
  profile: Profile,
  config: Pick<Config, 'chromium'>,
  signal: AbortSignal,
): Promise<LaunchDescription> {
  const own = launchArgs(profile, config.chromium.extraArgs);
  const userAgent = profile.userAgent
    ? { value: profile.userAgent, source: 'profile' as const }
    : {
        value: wwebjs.DefaultOptions.userAgent as string,
        source: 'whatsapp-web.js default' as const,
      };
  const wwebjsArgs = wwebjsAdditions(own, userAgent.value);
  const puppeteerLayer = await puppeteerAdditions(profile.headless, [...own, ...wwebjsArgs]);
  const { executable, executableError } = await inspect(config.chromium.executablePath, signal);

  const layers: LaunchLayer[] = [
    ...(executable?.wrapperFlags.length
      ? [{ source: `${executable.executablePath} (wrapper script)`, args: executable.wrapperFlags }]
      : []),
    { source: `puppeteer ${puppeteerVersion}`, args: puppeteerLayer.own },
    { source: `profile ${profile.name}`, args: profile.args },
    { source: 'chromium.extraArgs', args: [...config.chromium.extraArgs] },
    {
      source: 'profile windowSize and lang',
      args: own.slice(profile.args.length + config.chromium.extraArgs.length),
    },
    { source: `whatsapp-web.js ${wwebjsVersion}`, args: wwebjsArgs },
    { source: 'puppeteer launch', args: ['--remote-debugging-port=0', userDataDirPlaceholder] },
  ];
  const browser = executable?.browserPath ?? config.chromium.executablePath;
  const commandLine = [
    browser,
    ...(executable?.wrapperFlags ?? []),
    ...puppeteerLayer.full,
    '--remote-debugging-port=0',
    userDataDirPlaceholder,
  ];
  return {
    executable,
    executableError,
    layers: layers.filter((layer) => layer.args.length > 0),
    userAgent,
    commandLine,
  };
}

/**
 * Returns what wwebjs 1.34.7 Client.initialize() appends to the launch
 * arguments: `--user-agent=<userAgent>` unless an argument already contains
 * "--user-agent", then `--disable-blink-features=AutomationControlled`.
 */
export function wwebjsAdditions(args: readonly string[], userAgent: string): string[] {
  const added: string[] = [];
  if (!args.some((argument) => argument.includes('--user-agent'))) {
    added.push(`--user-agent=${userAgent}`);
  }
  added.push('--disable-blink-features=AutomationControlled');
  return added;
}

/**
 * Returns puppeteer's default arguments for `args` (`own`) and the whole list
 * it passes (`full`). puppeteer merges a `--disable-features` of the caller
 * into its own, so `full` may hold fewer caller arguments than were given.
 */
async function puppeteerAdditions(
  headless: Profile['headless'],
  args: string[],
): Promise<{ own: string[]; full: string[] }> {
  const { default: puppeteer } = await import('puppeteer');
  const remaining = [...args];
  const full = puppeteer.defaultArgs({ headless, args: remaining });
  const own = full.filter((argument) => !remaining.includes(argument));
  return { own, full };
}

async function inspect(
  executablePath: string,
  signal: AbortSignal,
): Promise<{ executable: ExecutableInfo | null; executableError: string | null }> {
  try {
    return { executable: await inspectExecutable(executablePath, signal), executableError: null };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0]!;
    return { executable: null, executableError: `${executablePath}: ${reason}` };
  }
}
