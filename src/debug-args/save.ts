import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ControlClient } from '../control/client.js';
import { usageError } from '../errors.js';

/** Changes `--save` made for the holding profile. */
export interface SavedProfile {
  profile: string;
  /** Config file changed, and the profile it named before. */
  file: string;
  previous: string | null;
  /** Whether the host took the profile through the control API, else why not. */
  host: boolean;
  hostError: string | null;
}

/**
 * Records `profile` for connection `id` in the config file, keeping its
 * other keys and two-space indentation, and returns the profile it replaced.
 */
export async function saveProfileInConfig(
  file: string | null,
  id: string,
  profile: string,
): Promise<{ file: string; previous: string | null }> {
  if (file === null) {
    throw usageError(
      'CONFIG_MISSING',
      'no config file was read, so --save has nowhere to record the profile',
      'rerun with --config <file> naming the config file that lists the connection',
    );
  }
  const json = JSON.parse(await readFile(file, 'utf8')) as { connections?: unknown };
  const entries = Array.isArray(json.connections) ? json.connections : [];
  const entry = entries.find(
    (candidate): candidate is Record<string, unknown> =>
      typeof candidate === 'object' && candidate !== null && candidate.id === id,
  );
  if (entry === undefined) {
    throw usageError(
      'CONNECTION_NOT_FOUND',
      `connection "${id}" is not in "connections" of ${file}`,
      `add { "id": "${id}", "profile": "${profile}" } to "connections" in ${file}`,
    );
  }
  const previous = typeof entry.profile === 'string' ? entry.profile : null;
  entry.profile = profile;
  // A write to a temporary file and a rename leave the old config whole if the write fails.
  await writeFile(`${file}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
  return { file, previous };
}

/** Sends `profile` to the host (PATCH), which applies it at the connection's next start. */
export async function saveProfileOnHost(
  client: ControlClient,
  id: string,
  profile: string,
): Promise<string | null> {
  try {
    await client.update(id, { profile });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
