import type { CommandResult } from '../src/command.js';
import type { Context } from '../src/context.js';
import { loadProfile } from '../src/core/profiles.js';
import { listProfiles, type ProfileEntry } from '../src/core/profiles/catalog.js';
import { describeLaunch, type LaunchDescription } from '../src/core/profiles/launch.js';
import type { Profile } from '../src/core/profiles/validate.js';
import { ExitCode } from '../src/errors.js';
import { profileShowView } from '../src/output/views/profiles.js';

export interface ProfileShowOptions {
  name: string;
}

export interface ProfileDetail extends Omit<ProfileEntry, 'profile' | 'error'> {
  profile: Profile;
  launch: LaunchDescription;
}

/**
 * Shows one profile and the launch it makes on this machine: its arguments
 * and those that the Chromium wrapper, puppeteer and whatsapp-web.js add.
 */
export async function run(
  options: ProfileShowOptions,
  context: Context,
): Promise<CommandResult<ProfileDetail>> {
  const { config } = context.config();
  const entry = (await listProfiles(config)).find((candidate) => candidate.name === options.name);
  if (!entry?.profile) {
    // loadProfile throws the not-found or validation error with the file and the rule.
    await loadProfile(config, options.name);
    throw new Error(`profile "${options.name}" loads but is missing from the profile list`);
  }
  const { name, file, origin, overrides, connections, profile } = entry;

  const launch = await describeLaunch(profile, config, context.signal);
  return {
    data: { name, file, origin, overrides, connections, profile, launch },
    exitCode: ExitCode.ok,
    view: profileShowView,
  };
}
