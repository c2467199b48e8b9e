import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { usageError, WrError } from '../../errors.js';
import { parseProfile, profileFiles, shippedProfilesDir } from '../profiles.js';
import type { Profile } from './validate.js';

/** One profile file, as `wr profiles list` shows it. */
export interface ProfileEntry {
  name: string;
  file: string;
  origin: 'shipped' | 'profilesDir';
  /** The shipped file this profilesDir file replaces, or null. */
  overrides: string | null;
  /** The valid profile, or null when the file is invalid and `error` gives the reason. */
  profile: Profile | null;
  error: string | null;
  /** Ids of the configured connections that use this profile. */
  connections: string[];
}

/**
 * Lists every profile: the shipped ones and those of `profilesDir`, which
 * replace shipped ones of the same name. An invalid file is listed with its
 * error instead of hiding the others. Throws a usage error when the
 * configured `profilesDir` does not exist.
 */
export async function listProfiles(
  config: Pick<Config, 'profilesDir' | 'connections'>,
): Promise<ProfileEntry[]> {
  const shipped = await readEntries(shippedProfilesDir(), 'shipped', config);
  if (config.profilesDir === undefined) return shipped;
  if (!existsSync(config.profilesDir)) {
    throw usageError(
      'PROFILES_DIR_NOT_FOUND',
      `profilesDir ${config.profilesDir} not found`,
      'create the folder, or remove "profilesDir" (or WR_PROFILES_DIR) from the config',
    );
  }
  const own = await readEntries(config.profilesDir, 'profilesDir', config);
  const byName = new Map(shipped.map((entry) => [entry.name, entry]));
  for (const entry of own) {
    entry.overrides = byName.get(entry.name)?.file ?? null;
    byName.set(entry.name, entry);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

async function readEntries(
  folder: string,
  origin: ProfileEntry['origin'],
  config: Pick<Config, 'connections'>,
): Promise<ProfileEntry[]> {
  const entries: ProfileEntry[] = [];
  for (const fileName of await profileFiles(folder)) {
    const name = path.basename(fileName, '.json');
    const file = path.join(folder, fileName);
    const connections = config.connections
      .filter((connection) => connection.profile === name)
      .map((connection) => connection.id);
    const entry: ProfileEntry = {
      name,
      file,
      origin,
      overrides: null,
      profile: null,
      error: null,
      connections,
    };
    try {
      entry.profile = parseProfile(file, await readFile(file, 'utf8'));
    } catch (error) {
      if (!(error instanceof WrError)) throw error;
      entry.error = error.message;
    }
    entries.push(entry);
  }
  return entries;
}
