import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { ConnectionPool } from '../../src/core/index.js';
import { preflight } from '../../src/core/preflight.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { launchChromium, type LiveChromium } from '../harness/chromium.js';
import {
  chromiumExecutable,
  chromiumPidsFor,
  requireChromiumExecutable,
  sandboxChromiumArgs,
  writeSimulatorPage,
} from '../simulator/index.js';

const cleanups: Array<() => Promise<void>> = [];

interface Setup {
  root: string;
  credentialsDir: string;
  sessionDir: string;
  pool: ConnectionPool;
  warnings: string[];
}

/** Creates a pool of one connection whose credentials folder is `credentialsDir` (default: under root). */
async function setup(options: { credentialsDir?: string; root?: string } = {}): Promise<Setup> {
  const root = options.root ?? (await mkdtemp('/tmp/wr-core-pre-'));
  const credentialsDir = options.credentialsDir ?? path.join(root, 'auth');
  const page = await writeSimulatorPage(path.join(root, 'cache'));
  const config = configSchema.parse({
    connections: [{ id: '1' }],
    chromium: { executablePath: chromiumExecutable, extraArgs: [...sandboxChromiumArgs] },
    whatsapp: { webVersion: page.webVersion, webVersionCache: page.webVersionCache },
  });
  const warnings: string[] = [];
  const logger: Logger = {
    ...silentLogger,
    warn: (_fields, message) => warnings.push(message ?? ''),
    child: () => logger,
  };
  const pool = new ConnectionPool({
    config,
    credentialsDir,
    logger,
    timing: { startTimeoutMs: 20_000 },
  });
  cleanups.push(async () => {
    await pool.stopAll();
    await rm(root, { recursive: true, force: true });
  });
  const sessionDir = pool.connection('1').sessionDir;
  return { root, credentialsDir, sessionDir, pool, warnings };
}

beforeAll(() => {
  requireChromiumExecutable();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('start preflight', () => {
  it.each([
    ['another hostname', 'old-backend-container-4242'],
    ['this hostname and an ended pid', `${hostname()}-4194999`],
  ])('stale lock of %s is removed', async (_case, target) => {
    const { sessionDir, pool, warnings } = await setup();
    await mkdir(sessionDir, { recursive: true });
    await symlink(target, path.join(sessionDir, 'SingletonLock'));

    const snapshot = await pool.start('1');

    expect(snapshot.state).toBe('QR');
    expect(warnings.some((warning) => warning.includes('SingletonLock'))).toBe(true);
    const lock = await readlink(path.join(sessionDir, 'SingletonLock'));
    expect(lock).toBe(`${hostname()}-${snapshot.browserPid}`);
  });

  it('live browser on the folder is rejected', async () => {
    const { sessionDir, pool } = await setup();
    await mkdir(sessionDir, { recursive: true });
    const holder: LiveChromium = await launchChromium(sessionDir);
    cleanups.push(() => holder.stop());

    const start = pool.start('1');

    await expect(start).rejects.toMatchObject({ code: 'PROFILE_IN_USE' });
    await expect(start).rejects.toThrow(
      `session folder ${sessionDir} is in use by browser pid ${holder.pid}`,
    );
    expect(pool.get('1')!.state).toBe('FAILED');
    expect(chromiumPidsFor(sessionDir)).toContain(holder.pid);
  });

  it('live browser is rejected after own close', async () => {
    const { credentialsDir, sessionDir } = await setup();
    await mkdir(sessionDir, { recursive: true });
    const holder: LiveChromium = await launchChromium(sessionDir);
    cleanups.push(() => holder.stop());

    // The holder's SingletonLock makes the preflight scan even after a close of its own.
    const check = preflight({
      sessionDir,
      credentialsDir,
      diskFreePercent: 0,
      procRoot: '/proc',
      logger: silentLogger,
      afterOwnClose: true,
    });

    await expect(check).rejects.toMatchObject({ code: 'PROFILE_IN_USE' });
  });

  it('start is rejected under the disk threshold', async () => {
    const root = await mkdtemp('/tmp/wr-core-disk-');
    const credentialsDir = path.join(root, 'auth');
    await mkdir(credentialsDir);
    mountTmpfs(credentialsDir, '1m');
    // 960 KiB of 1 MiB leaves about 6% free, under the default 10% threshold.
    await writeFile(path.join(credentialsDir, 'filler'), Buffer.alloc(960 * 1024));
    const { sessionDir, pool } = await setup({ root, credentialsDir });
    // Cleanups run last first, so the tmpfs is unmounted before its parent is deleted.
    cleanups.push(async () => {
      execFileSync('umount', [credentialsDir]);
    });

    const start = pool.start('1');

    await expect(start).rejects.toMatchObject({ code: 'DISK_LOW' });
    await expect(start).rejects.toThrow('which loses the WhatsApp login');
    await expect(start).rejects.toThrow(`not starting a browser on ${sessionDir}`);
    expect(chromiumPidsFor(sessionDir)).toEqual([]);
  });
});

function mountTmpfs(folder: string, size: string): void {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', folder]);
  } catch (error) {
    throw new Error(`mounting a tmpfs needs root (CAP_SYS_ADMIN): ${(error as Error).message}`);
  }
}
