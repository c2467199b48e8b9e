import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { errnoCode, WrError } from '../errors.js';

/** A named set of Chromium settings, read from `profiles/<name>.json`. */
export interface Profile {
  name: string;
  description: string;
  args: string[];
  headless: true | 'shell';
  userAgent?: string;
  /** Window size in CSS pixels, [width, height]. */
  windowSize?: [number, number];
  /** UI language and first of navigator.languages, such as "es-AR". */
  lang?: string;
}

/** Arguments the core sets itself; a profile that sets them would fight the core. */
const reservedArgs = [/^--user-data-dir(=|$)/, /^--remote-debugging-/];

const argument = z
  .string()
  .refine((text) => text.startsWith('--') && text.length > 2, {
    message: 'expected an argument starting with --',
  })
  .refine((text) => !reservedArgs.some((rule) => rule.test(text)), {
    message: '--user-data-dir and --remote-debugging-* are set by wr and may not be in a profile',
  });

const profileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    args: z.array(argument),
    headless: z.union([z.literal(true), z.literal('shell')]),
    userAgent: z.string().min(1).optional(),
    windowSize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
    lang: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
        message: 'expected a language tag such as es-AR',
      })
      .optional(),
  })
  .strict();

const profileName = /^[\w.-]+$/;

/** Finds the `profiles/` folder shipped with the package, from src/core or dist/src/core. */
export function shippedProfilesDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../profiles'),
    path.resolve(here, '../../../profiles'),
  ];
  return (
    candidates.find((folder) => existsSync(path.join(folder, 'default.json'))) ?? candidates[0]!
  );
}

/**
 * Loads profile `name`, from `config.profilesDir` when it has the file, else
 * from the shipped profiles. Throws WrError naming the file and the key when
 * the profile is missing or invalid.
 */
export async function loadProfile(
  config: Pick<Config, 'profilesDir'>,
  name: string,
): Promise<Profile> {
  if (!profileName.test(name)) {
    throw new WrError(
      'PROFILE_INVALID',
      `invalid profile name "${name}": use letters, digits, . _ -`,
    );
  }
  const folders = [config.profilesDir, shippedProfilesDir()].filter(
    (folder): folder is string => folder !== undefined,
  );
  for (const folder of folders) {
    const file = path.join(folder, `${name}.json`);
    const text = await readOptional(file);
    if (text !== null) return parseProfile(file, text);
  }
  throw new WrError('PROFILE_NOT_FOUND', `profile "${name}" not found in ${folders.join(' or ')}`, {
    hint: `create ${name}.json in profilesDir, or set the connection's profile to "default"`,
  });
}

/** Parses and validates the text of a profile file. */
export function parseProfile(file: string, text: string): Profile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WrError('PROFILE_INVALID', `invalid JSON in ${file}: ${(error as Error).message}`);
  }
  const result = profileSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new WrError('PROFILE_INVALID', `invalid profile ${file}: ${key}: ${issue.message}`);
  }
  return result.data as Profile;
}

/**
 * Builds the Chromium arguments of a launch: the profile's, then
 * `chromium.extraArgs`, then the window size and language of the profile.
 */
export function launchArgs(profile: Profile, extraArgs: readonly string[]): string[] {
  const args = [...profile.args, ...extraArgs];
  if (profile.windowSize) args.push(`--window-size=${profile.windowSize.join(',')}`);
  if (profile.lang) args.push(`--lang=${profile.lang}`);
  return args;
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}
