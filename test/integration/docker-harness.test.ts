import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { createDockerEngine } from '../../src/docker/engine.js';
import { buildBusyboxImage } from '../harness/busybox-image.js';
import { createServiceContainer, dockerClient } from '../harness/compose.js';
import { startDockerd, stopDetachedDockerd, type PrivateDockerd } from '../harness/dockerd.js';

/** Pids of processes whose command line names `folder`. */
function processesUnder(folder: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`${folder}/`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function mountsUnder(folder: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.split(' ')[4]?.startsWith(`${folder}/`));
}

async function runBusybox(dockerd: PrivateDockerd, tag: string): Promise<string> {
  await buildBusyboxImage(dockerd.host, { tag });
  const id = await createServiceContainer(dockerd.host, {
    project: 'harness',
    service: 'app',
    image: tag,
    init: true,
  });
  return (await createDockerEngine(dockerd.host).exec(id, ['cat', '/etc/passwd'])).stdout;
}

describe('private dockerd harness', () => {
  test('falls back to vfs driver', async () => {
    // dockerd exits at once on an unknown driver, as it does where overlay cannot mount.
    const dockerd = await startDockerd({ storageDrivers: ['wr-unknown-driver', 'vfs'] });
    try {
      expect(dockerd.storageDriver).toBe('vfs');
      const info = await dockerClient(dockerd.host).info();
      expect(info.Driver).toBe('vfs');
      expect(await runBusybox(dockerd, 'wr-harness:vfs')).toContain('root:x:0:0');
    } finally {
      await dockerd.stop();
    }
  });

  test('two daemons run side by side', async () => {
    const [first, second] = await Promise.all([startDockerd(), startDockerd()]);
    try {
      expect(first.socketPath).not.toBe(second.socketPath);
      const outputs = await Promise.all([
        runBusybox(first, 'wr-harness:side'),
        runBusybox(second, 'wr-harness:side'),
      ]);
      expect(outputs[0]).toContain('root:x:0:0');
      expect(outputs[1]).toContain('root:x:0:0');
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  test('stop leaves nothing behind', async () => {
    const dockerd = await startDockerd();
    await runBusybox(dockerd, 'wr-harness:stop');
    expect(processesUnder(dockerd.root).length).toBeGreaterThan(0);

    await dockerd.stop();
    expect(processesUnder(dockerd.root)).toEqual([]);
    expect(mountsUnder(dockerd.root)).toEqual([]);
    expect(existsSync(dockerd.root)).toBe(false);
  });

  test('detached daemon stops from its folder', async () => {
    const dockerd = await startDockerd({ detached: true });
    await runBusybox(dockerd, 'wr-harness:detached');

    await stopDetachedDockerd(dockerd.root);
    expect(processesUnder(dockerd.root)).toEqual([]);
    expect(mountsUnder(dockerd.root)).toEqual([]);
    expect(existsSync(dockerd.root)).toBe(false);
  });

  test('detached stop rejects other folders', async () => {
    await expect(stopDetachedDockerd('/var/lib/docker')).rejects.toThrow(
      '/var/lib/docker is not a private dockerd folder',
    );
  });

  test('missing dockerd names the package', async () => {
    await expect(startDockerd({ executable: 'wr-no-such-dockerd' })).rejects.toThrow(
      'wr-no-such-dockerd not found in PATH; install it with: apt-get install docker.io',
    );
  });
});
