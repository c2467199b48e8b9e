import { readFile, realpath, stat, statfs } from 'node:fs/promises';
import path from 'node:path';

/** Space and inodes of one filesystem, in bytes and inode counts. */
export interface FilesystemStats {
  /** Mount point, or null when neither mountinfo nor the folder tree shows it. */
  mount: string | null;
  /** Mount source from mountinfo (such as /dev/vda), else the device number as "major:minor". */
  device: string;
  /** Filesystem type from mountinfo (ext4, xfs, tmpfs), or null when unknown. */
  type: string | null;
  total: number;
  free: number;
  /** Free bytes that unprivileged processes may use: `free` less the blocks reserved for root. */
  available: number;
  /** 0 on filesystems without a fixed inode table, such as btrfs. */
  inodesTotal: number;
  inodesFree: number;
}

/** A filesystem and the requested paths it holds. */
export interface FilesystemGroup extends FilesystemStats {
  paths: string[];
}

export interface FilesystemOptions {
  /** Root of the proc filesystem, /proc by default. */
  procRoot?: string;
  signal?: AbortSignal;
}

interface MountEntry {
  device: string;
  mount: string;
  type: string;
  source: string;
}

/**
 * Finds the filesystem of each path (following symlinks, since the contents
 * live where the link points) and groups paths that share one, in the order
 * first seen. Rejects with ENOENT when a path does not exist.
 */
export async function groupByFilesystem(
  paths: string[],
  options: FilesystemOptions = {},
): Promise<FilesystemGroup[]> {
  const mounts = await readMountInfo(options.procRoot ?? '/proc');
  const groups = new Map<number, FilesystemGroup>();
  for (const entry of paths) {
    options.signal?.throwIfAborted();
    const { dev } = await stat(entry);
    const group = groups.get(dev);
    if (group) {
      group.paths.push(entry);
      continue;
    }
    groups.set(dev, { ...(await describeFilesystem(entry, dev, mounts)), paths: [entry] });
  }
  return [...groups.values()];
}

async function describeFilesystem(
  entry: string,
  dev: number,
  mounts: MountEntry[] | null,
): Promise<FilesystemStats> {
  const real = await realpath(entry);
  const device = deviceNumber(dev);
  const mount = mounts ? findMount(mounts, device, real) : undefined;
  const space = await statfs(real);
  return {
    mount: mount?.mount ?? (await mountPointOf(real, dev)),
    device: mount?.source ?? device,
    type: mount?.type ?? null,
    total: space.blocks * space.bsize,
    free: space.bfree * space.bsize,
    available: space.bavail * space.bsize,
    inodesTotal: space.files,
    inodesFree: space.ffree,
  };
}

/** Formats a Linux `st_dev` as "major:minor", the form used by /proc/self/mountinfo. */
export function deviceNumber(dev: number): string {
  const value = BigInt(dev);
  const major = ((value >> 8n) & 0xfffn) | ((value >> 32n) & ~0xfffn);
  const minor = (value & 0xffn) | ((value >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}

/**
 * Picks the mount holding `real`: the longest mount point that contains it,
 * preferring mounts of the same device and, among equals, the latest (it
 * hides the ones below). btrfs subvolumes report a device number that
 * mountinfo does not list, hence the fallback to any device.
 */
function findMount(mounts: MountEntry[], device: string, real: string): MountEntry | undefined {
  const containing = mounts.filter((mount) => contains(mount.mount, real));
  const sameDevice = containing.filter((mount) => mount.device === device);
  const candidates = sameDevice.length > 0 ? sameDevice : containing;
  let best: MountEntry | undefined;
  for (const mount of candidates) {
    if (!best || mount.mount.length >= best.mount.length) best = mount;
  }
  return best;
}

function contains(folder: string, target: string): boolean {
  if (folder === '/' || folder === target) return true;
  return target.startsWith(`${folder}/`);
}

/** Reads mountinfo, or returns null when it cannot be read (no /proc in a container). */
async function readMountInfo(procRoot: string): Promise<MountEntry[] | null> {
  let text: string;
  try {
    text = await readFile(path.join(procRoot, 'self', 'mountinfo'), 'utf8');
  } catch {
    return null;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(parseMountInfoLine)
    .filter((entry): entry is MountEntry => entry !== null);
}

/**
 * Parses a line such as
 * `27 1 254:0 / / rw,relatime - ext4 /dev/vda rw`: field 3 is the device,
 * field 5 the mount point, and after the "-" come the type and the source.
 */
export function parseMountInfoLine(line: string): MountEntry | null {
  const fields = line.split(' ');
  const separator = fields.indexOf('-', 6);
  if (fields.length < 7 || separator < 0 || fields.length < separator + 3) return null;
  return {
    device: fields[2] as string,
    mount: unescapeMountField(fields[4] as string),
    type: fields[separator + 1] as string,
    source: unescapeMountField(fields[separator + 2] as string),
  };
}

/** Decodes the octal escapes (`\040`) that the kernel writes in mountinfo for space, tab, newline and backslash. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

/** Walks up from `real` to the last folder on the same device, the way `df` finds a mount point. */
async function mountPointOf(real: string, dev: number): Promise<string | null> {
  let current = real;
  try {
    while (current !== '/') {
      const parent = path.dirname(current);
      if ((await stat(parent)).dev !== dev) return current;
      current = parent;
    }
    return '/';
  } catch {
    return null;
  }
}
