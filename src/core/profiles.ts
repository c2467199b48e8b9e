import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/schema.js';
import { errnoCode, usageError, WrError } from '../errors.js';
import {
  normalizeProfile,
  ProfileIssue,
  profileSchema,
  type Profile,
} from './profiles/validate.js';

export { splitShellWords } from './profiles/shell-words.js';
export type { Profile } from './profiles/validate.js';

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
 * from the shipped profiles. Throws WrError (exit code 2) naming the file,
 * the key and the rule when the profile is missing or invalid.
 */
export async function loadProfile(
  config: Pick<Config, 'profilesDir'>,
  name: string,
): Promise<Profile> {
  if (!profileName.test(name)) {
    throw usageError(
      'PROFILE_INVALID',
      `invalid profile name "${name}": use letters, digits, ".", "_" or "-"`,
    );
  }
  const folders = profileFolders(config);
  for (const folder of folders) {
    const file = path.join(folder, `${name}.json`);
    const text = await readOptional(file);
    if (text !== null) return parseProfile(file, text);
  }
  throw usageError(
    'PROFILE_NOT_FOUND',
    `profile "${name}" not found in ${folders.join(' or ')}`,
    `run wr profiles list, or create ${name}.json in profilesDir`,
  );
}

/**
 * Parses and validates the text of a profile file. The profile's `name` must
 * match the file name, so `--profile x` never loads a file that calls itself y.
 */
export function parseProfile(file: string, text: string): Profile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidProfile(file, `invalid JSON: ${(error as Error).message}`);
  }
  const result = profileSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw invalidProfile(file, `${key}: ${issue.message}`);
  }
  const expectedName = file.endsWith('.json') ? path.basename(file, '.json') : null;
  try {
    return normalizeProfile(result.data, expectedName);
  } catch (error) {
    if (error instanceof ProfileIssue) throw invalidProfile(file, error.message);
    throw error;
  }
}

/**
 * Builds the Chromium arguments of a launch: the profile's, then
 * `chromium.extraArgs`, then the window size and language of the profile.
 * `--lang` alone left navigator.languages at ["en-US", "en"] in headless
 * Chromium 156, so the language also goes into `--accept-lang`.
 */
export function launchArgs(profile: Profile, extraArgs: readonly string[]): string[] {
  const args = [...profile.args, ...extraArgs];
  if (profile.windowSize) args.push(`--window-size=${profile.windowSize.join(',')}`);
  if (profile.lang) {
    const primary = profile.lang.split('-')[0]!;
    const accepted = primary === profile.lang ? profile.lang : `${profile.lang},${primary}`;
    args.push(`--lang=${profile.lang}`, `--accept-lang=${accepted}`);
  }
  return args;
}

/** Lists the folders that profiles are read from, first match first: `profilesDir`, then the shipped one. */
export function profileFolders(config: Pick<Config, 'profilesDir'>): string[] {
  return [config.profilesDir, shippedProfilesDir()].filter(
    (folder): folder is string => folder !== undefined,
  );
}

/** Lists the `.json` file names of a profile folder, sorted; [] when the folder is missing. */
export async function profileFiles(folder: string): Promise<string[]> {
  try {
    const names = await readdir(folder);
    return names.filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

function invalidProfile(file: string, reason: string): WrError {
  return usageError(
    'PROFILE_INVALID',
    `invalid profile ${file}: ${reason}`,
    `fix ${file}, then run wr profiles show ${path.basename(file, '.json')}`,
  );
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return null;
    throw error;
  }
}
