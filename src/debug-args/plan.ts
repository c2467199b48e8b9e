import type { Config } from '../config/schema.js';
import { loadProfile } from '../core/profiles.js';
import { listProfiles } from '../core/profiles/catalog.js';
import { parseDuration } from '../config/units.js';
import { usageError } from '../errors.js';

/** Allowance per profile for the start and restore of a paired session, a rough estimate. */
export const startAllowanceMs = 60_000;

/**
 * Resolves `--profile` to the profile names to try, in order. `all` gives
 * every shipped and profilesDir profile, and any invalid file raises a usage
 * error naming the file and the reason.
 */
export async function profilesToTry(
  config: Pick<Config, 'profilesDir' | 'connections'>,
  requested: string,
): Promise<string[]> {
  if (requested !== 'all') {
    await loadProfile(config, requested);
    return [requested];
  }
  const entries = await listProfiles(config);
  const invalid = entries.find((entry) => entry.profile === null);
  if (invalid) {
    throw usageError(
      'PROFILE_INVALID',
      `invalid profile ${invalid.file}: ${invalid.error ?? 'unreadable'}`,
      `fix ${invalid.file}, then run wr profiles show ${invalid.name}`,
    );
  }
  return entries.map((entry) => entry.name);
}

/** Parses `--watch`, 3 minutes when absent, as a duration longer than zero. */
export function watchDuration(text: string | undefined): number {
  if (text === undefined) return 180_000;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw usageError(
      'USAGE',
      `--watch "${text}": expected a duration longer than zero, such as 90s or 3m`,
      'rerun with --watch 3m, for example',
    );
  }
  return ms;
}

/** Estimates how long the connection may stay offline while `count` profiles run, QR scans excluded. */
export function offlineEstimateMs(count: number, watchMs: number): number {
  return count * (watchMs + startAllowanceMs);
}
