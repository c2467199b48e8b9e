import type { CommandResult } from '../src/command.js';
import type { Context } from '../src/context.js';
import { shippedProfilesDir } from '../src/core/profiles.js';
import { listProfiles, type ProfileEntry } from '../src/core/profiles/catalog.js';
import { ExitCode } from '../src/errors.js';
import { profileListView } from '../src/output/views/profiles.js';

export interface ProfileList {
  shippedDir: string;
  profilesDir: string | null;
  profiles: ProfileEntry[];
}

/**
 * Lists the shipped profiles and those of `profilesDir`. Exit code 2 when a
 * profile file is invalid: the list still shows the others, and the invalid
 * one with the file, the argument and the rule it breaks.
 */
export async function run(_options: object, context: Context): Promise<CommandResult<ProfileList>> {
  const { config } = context.config();
  const profiles = await listProfiles(config);
  const invalid = profiles.some((entry) => entry.error !== null);
  return {
    data: { shippedDir: shippedProfilesDir(), profilesDir: config.profilesDir ?? null, profiles },
    exitCode: invalid ? ExitCode.usage : ExitCode.ok,
    view: profileListView,
  };
}
