import { z } from 'zod';
import { splitShellWords } from './shell-words.js';

/** A named set of Chromium settings, read from `profiles/<name>.json`. */
export interface Profile {
  name: string;
  description: string;
  /** Chromium arguments, each starting with `--`. */
  args: string[];
  headless: true | 'shell';
  /** Passed to whatsapp-web.js's `userAgent` option, which sets both the argument and the page's. */
  userAgent?: string;
  /** Window size in CSS pixels, [width, height]. */
  windowSize?: [number, number];
  /** UI language and first of navigator.languages, such as "es-AR". */
  lang?: string;
}

/** A rule an argument breaks, or null when it breaks none. */
type ArgumentRule = (argument: string, profile: RawProfile) => string | null;

type RawProfile = Omit<Profile, 'args'> & { args: string[] | string };

/**
 * The rules every argument of a profile must pass, in order. The core sets
 * `--user-data-dir` (the connection's credentials folder) and puppeteer the
 * `--remote-debugging-*` port, so a profile that sets them would fight both.
 */
const argumentRules: ArgumentRule[] = [
  (argument) => (argument === '' ? 'an argument may not be empty' : null),
  (argument) =>
    argument.startsWith('--') && argument.length > 2
      ? null
      : 'every argument must start with -- (write arguments, not URLs or values)',
  (argument) =>
    /\s/.test(flagName(argument))
      ? 'a space before "=" joins several arguments: list each one separately, or write args as one string'
      : null,
  (argument) =>
    flagName(argument) === '--user-data-dir'
      ? "--user-data-dir is set by wr to the connection's credentials folder"
      : null,
  (argument) =>
    flagName(argument).startsWith('--remote-debugging-')
      ? '--remote-debugging-* is set by puppeteer, which drives the browser through it'
      : null,
  (argument) =>
    flagName(argument) === '--user-agent'
      ? 'set the user agent with "userAgent", which whatsapp-web.js applies to the argument and the page'
      : null,
  (argument) => (flagName(argument) === '--headless' ? 'set headless mode with "headless"' : null),
  (argument, profile) =>
    profile.windowSize && flagName(argument) === '--window-size'
      ? 'conflicts with "windowSize": keep one of them'
      : null,
  (argument, profile) =>
    profile.lang && ['--lang', '--accept-lang'].includes(flagName(argument))
      ? 'conflicts with "lang": keep one of them'
      : null,
];

const languageTag = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** The shape of a profile file. `args` may be one `CHROME_ARGS`-style string. */
export const profileSchema = z
  .object({
    name: z.string().regex(/^[\w.-]+$/, { message: 'expected letters, digits, ".", "_" or "-"' }),
    description: z.string(),
    args: z.union([z.array(z.string()), z.string()]),
    headless: z.union([z.literal(true), z.literal('shell')], {
      errorMap: () => ({ message: 'expected true or "shell": servers have no display' }),
    }),
    userAgent: z.string().min(1).optional(),
    windowSize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    lang: z
      .string()
      .regex(languageTag, { message: 'expected a language tag such as es-AR' })
      .optional(),
  })
  .strict();

/** Returns the part of an argument before its first "=". */
export function flagName(argument: string): string {
  const equals = argument.indexOf('=');
  return equals === -1 ? argument : argument.slice(0, equals);
}

/** A profile that failed validation: `key` is the JSON path, `reason` the rule it broke. */
export class ProfileIssue extends Error {
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`${key}: ${reason}`);
  }
}

/**
 * Checks a parsed profile against the argument rules and splits a string
 * `args`. Throws ProfileIssue naming the argument and the rule it breaks.
 */
export function normalizeProfile(raw: RawProfile, expectedName: string | null): Profile {
  if (expectedName !== null && raw.name !== expectedName) {
    throw new ProfileIssue(
      'name',
      `"${raw.name}" differs from the file name; expected "${expectedName}"`,
    );
  }
  const args = typeof raw.args === 'string' ? splitArgs(raw.args) : raw.args;
  args.forEach((argument, index) => {
    for (const rule of argumentRules) {
      const reason = rule(argument, raw);
      if (reason !== null)
        throw new ProfileIssue(`args[${index}] ${JSON.stringify(argument)}`, reason);
    }
  });
  return { ...raw, args };
}

function splitArgs(text: string): string[] {
  try {
    return splitShellWords(text);
  } catch (error) {
    throw new ProfileIssue('args', `${(error as Error).message} in the argument string`);
  }
}
