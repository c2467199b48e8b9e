import { createRequire } from 'node:module';
import wwebjs from 'whatsapp-web.js';
import type { Config } from '../../config/schema.js';
import { errnoCode } from '../../errors.js';
import { launchArgs } from '../profiles.js';
import type { Profile } from './validate.js';
import { inspectExecutable, type ExecutableInfo } from './wrapper.js';

const require = createRequire(import.meta.url);
const wwebjsVersion = (require('whatsapp-web.js/package.json') as { version: string }).version;
const puppeteerVersion = (require('puppeteer/package.json') as { version: string }).version;

/** Arguments that one party adds to a launch, in the order they reach Chromium. */
export interface LaunchLayer {
  /** The party that adds them, such as "profile desktop" or "whatsapp-web.js 1.34.7". */
  source: string;
  args: string[];
}

/** Everything a connection with this profile launches, as `wr profiles show` prints it. */
export interface LaunchDescription {
  executable: ExecutableInfo | null;
  /** The reason the executable could not be inspected, or null. */
  executableError: string | null;
  layers: LaunchLayer[];
  /** The user agent of the `--user-agent` argument and of the page. */
  userAgent: { value: string; source: 'profile' | 'whatsapp-web.js default' };
  /** The browser process's argv, after a wrapper script, with `userDataDir` or its placeholder. */
  commandLine: string[];
  /**
   * Whether a wrapper script changed the order of the arguments. Chromium
   * keeps the last of repeated switches, so the order decides which one wins.
   */
  reorderedByWrapper: boolean;
}

/** Shown for the credentials folder of a connection, which LocalAuth passes to puppeteer. */
export const userDataDirPlaceholder = '<paths.credentials>/session-<clientId>';

/**
 * Describes the launch of `profile` on this machine, with the arguments that
 * whatsapp-web.js, puppeteer and a Chromium wrapper script add by themselves.
 * `userDataDir` replaces the placeholder of the connection's credentials folder.
 */
export async function describeLaunch(
  profile: Profile,
  config: Pick<Config, 'chromium'>,
  signal: AbortSignal,
  userDataDir = userDataDirPlaceholder,
): Promise<LaunchDescription> {
  const own = launchArgs(profile, config.chromium.extraArgs);
  const userAgent = chosenUserAgent(profile);
  const wwebjsArgs = wwebjsAdditions(own, userAgent.value);
  const puppeteerArgs = await puppeteerArguments(
    profile.headless,
    [...own, ...wwebjsArgs],
    userDataDir,
  );
  const { executable, executableError } = await inspect(
    config.chromium.executablePath,
    puppeteerArgs.full,
    signal,
  );
  const wrapperFlags = executable?.wrapperFlags ?? [];

  const layers: LaunchLayer[] = [
    { source: `${config.chromium.executablePath} (wrapper script)`, args: wrapperFlags },
    { source: `puppeteer ${puppeteerVersion}`, args: puppeteerArgs.before },
    { source: `profile ${profile.name}`, args: profile.args },
    { source: 'chromium.extraArgs', args: [...config.chromium.extraArgs] },
    {
      source: 'profile windowSize and lang',
      args: own.slice(profile.args.length + config.chromium.extraArgs.length),
    },
    { source: `whatsapp-web.js ${wwebjsVersion}`, args: wwebjsArgs },
    { source: `puppeteer ${puppeteerVersion}, last`, args: puppeteerArgs.after },
  ];
  const commandLine = executable?.argv ?? [config.chromium.executablePath, ...puppeteerArgs.full];
  return {
    executable,
    executableError,
    layers: layers.filter((layer) => layer.args.length > 0),
    userAgent,
    commandLine,
    reorderedByWrapper:
      executable !== null &&
      !sameOrder(commandLine, [commandLine[0]!, ...wrapperFlags, ...puppeteerArgs.full]),
  };
}

function sameOrder(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((word, index) => word === right[index]);
}

function chosenUserAgent(profile: Profile): LaunchDescription['userAgent'] {
  if (profile.userAgent) return { value: profile.userAgent, source: 'profile' };
  return {
    value: wwebjs.DefaultOptions.userAgent as string,
    source: 'whatsapp-web.js default',
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
 * Returns the arguments puppeteer passes for the caller's `args`: its defaults
 * (`before`), with `--user-data-dir` from LocalAuth among them, and
 * `--remote-debugging-port=0` (`after`), which puppeteer 24 appends after the
 * caller's arguments. puppeteer merges a caller's `--disable-features` into
 * its own, so `full` may hold fewer caller arguments than were given.
 */
async function puppeteerArguments(
  headless: Profile['headless'],
  args: string[],
  userDataDir: string,
): Promise<{ before: string[]; after: string[]; full: string[] }> {
  // NOTE: "puppeteer" is whatsapp-web.js's dependency (pinned to 24.38.0 by
  // wwebjs 1.34.7), not one of wr's own, so this reads the copy wwebjs launches.
  const { default: puppeteer } = await import('puppeteer');
  const remaining = [...args];
  // puppeteer resolves a relative folder, so an absolute stand-in is replaced afterwards.
  const standIn = '/wr-user-data-dir';
  const defaults = puppeteer
    .defaultArgs({ headless, args: remaining, userDataDir: standIn })
    .map((argument) =>
      argument === `--user-data-dir=${standIn}` ? `--user-data-dir=${userDataDir}` : argument,
    );
  const after = ['--remote-debugging-port=0'];
  // defaultArgs() ends with the caller's arguments that it did not merge.
  const before = defaults.slice(0, defaults.length - remaining.length);
  return { before, after, full: [...defaults, ...after] };
}

async function inspect(
  executablePath: string,
  args: readonly string[],
  signal: AbortSignal,
): Promise<{ executable: ExecutableInfo | null; executableError: string | null }> {
  try {
    return {
      executable: await inspectExecutable(executablePath, args, signal),
      executableError: null,
    };
  } catch (error) {
    return { executable: null, executableError: describeInspectError(executablePath, error) };
  }
}

function describeInspectError(executablePath: string, error: unknown): string {
  const code = errnoCode(error);
  if (code === 'ENOENT') {
    return `${executablePath} not found: set chromium.executablePath, or install chromium`;
  }
  if (code === 'EACCES') return `${executablePath} is not readable and executable by this user`;
  // execFile puts the whole command and its stderr in the message; the first line names the failure.
  return `${executablePath}: ${(error as Error).message.split('\n')[0]!}`;
}
