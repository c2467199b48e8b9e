import path from 'node:path';
import type { MountInfo } from '../docker/types.js';

/**
 * Translates a path inside a container to the host path through the mount
 * with the longest destination containing it (`Destination` -> `Source`).
 * Returns null when no mount contains the path, since the folder then lives
 * in the container's own filesystem.
 */
export function hostPathInContainer(mounts: MountInfo[], containerPath: string): string | null {
  const target = path.posix.normalize(containerPath);
  let best: { destination: string; source: string } | undefined;
  for (const mount of mounts) {
    const destination = stripTrailingSlash(path.posix.normalize(mount.destination));
    if (!isWithin(target, destination)) continue;
    if (!best || destination.length > best.destination.length) {
      best = { destination, source: mount.source };
    }
  }
  if (!best) return null;
  const relative = path.posix.relative(best.destination, target);
  return path.posix.join(best.source, relative);
}

function stripTrailingSlash(folder: string): string {
  return folder.length > 1 && folder.endsWith('/') ? folder.slice(0, -1) : folder;
}

function isWithin(target: string, folder: string): boolean {
  if (folder === '/') return true;
  return target === folder || target.startsWith(`${folder}/`);
}
