import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Dockerode from 'dockerode';

/** A file to put into the image: `source` on this machine is copied to `path` in the image. */
export interface ImageFile {
  path: string;
  source: string;
  /** File mode in the image; the source's mode when absent. */
  mode?: number;
}

export interface BusyboxImageOptions {
  /** `name:tag` of the image to create; an existing image of that tag is replaced. */
  tag: string;
  files?: ImageFile[];
}

const busyboxCandidates = ['/bin/busybox', '/usr/bin/busybox'];

/**
 * Builds an image offline from Debian's static busybox: /bin/busybox with a
 * symlink for every applet (sh, sleep, cat, ps, ...), a root user, and the
 * extra files. The rootfs is streamed as a tar to the engine's image import
 * endpoint, the API behind `docker import`, so nothing is pulled. Returns
 * the image id.
 */
export async function buildBusyboxImage(
  host: string,
  options: BusyboxImageOptions,
): Promise<string> {
  const busybox = findBusybox();
  const rootfs = await mkdtemp('/tmp/wr-busybox-rootfs-');
  try {
    await layOutRootfs(rootfs, busybox);
    for (const file of options.files ?? []) await addFile(rootfs, file);
    return await importRootfs(host, rootfs, options.tag);
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
}

function findBusybox(): string {
  for (const candidate of busyboxCandidates) {
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    // A dynamically linked busybox would not run in an image without a libc.
    const ldd = spawnSync('ldd', [candidate], { encoding: 'utf8' });
    if (/not a dynamic executable|statically linked/.test(ldd.stdout + ldd.stderr))
      return candidate;
  }
  throw new Error(
    `a static busybox is needed at ${busyboxCandidates.join(' or ')}; install it with: apt-get install busybox-static`,
  );
}

async function layOutRootfs(rootfs: string, busybox: string): Promise<void> {
  for (const folder of ['bin', 'etc', 'tmp', 'root', 'proc', 'sys', 'dev', 'usr/bin']) {
    await mkdir(path.join(rootfs, folder), { recursive: true });
  }
  await chmod(path.join(rootfs, 'tmp'), 0o1777);
  await copyFile(busybox, path.join(rootfs, 'bin/busybox'));
  await chmod(path.join(rootfs, 'bin/busybox'), 0o755);

  const applets = spawnSync(busybox, ['--list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((name) => name !== '' && name !== 'busybox');
  for (const applet of applets) await symlink('busybox', path.join(rootfs, 'bin', applet));

  await writeFile(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  await writeFile(path.join(rootfs, 'etc/group'), 'root:x:0:\n');
}

async function addFile(rootfs: string, file: ImageFile): Promise<void> {
  const target = path.join(rootfs, path.resolve('/', file.path));
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(file.source, target);
  if (file.mode !== undefined) await chmod(target, file.mode);
}

async function importRootfs(host: string, rootfs: string, tag: string): Promise<string> {
  const [repo, version = 'latest'] = splitTag(tag);
  const tar = spawn('tar', ['--numeric-owner', '-C', rootfs, '-c', '.'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const tarExit = new Promise<number | null>((resolve) => tar.on('close', resolve));
  const docker = new Dockerode({ socketPath: host.replace(/^unix:\/\//, '') });
  const progress = await docker.importImage(tar.stdout, { repo, tag: version });
  const messages = await readJsonLines(progress);

  const status = await tarExit;
  if (status !== 0) throw new Error(`tar of ${rootfs} exited with ${status}`);
  const failure = messages.find((message) => typeof message.error === 'string');
  if (failure) throw new Error(`image import of ${tag} failed: ${String(failure.error)}`);
  return (await docker.getImage(tag).inspect()).Id;
}

/** Splits `name:tag`, leaving a registry port (`host:5000/name`) in the name. */
function splitTag(tag: string): [string, string | undefined] {
  const colon = tag.lastIndexOf(':');
  if (colon <= tag.lastIndexOf('/')) return [tag, undefined];
  return [tag.slice(0, colon), tag.slice(colon + 1)];
}

async function readJsonLines(
  stream: NodeJS.ReadableStream,
): Promise<Array<Record<string, unknown>>> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
