import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WrError } from '../../src/errors.js';
import {
  acquireRestartLock,
  lockPath,
  processStartTime,
  type LockOwner,
} from '../../src/restart/lock.js';

const now = () => new Date();

async function caught(promise: Promise<unknown>): Promise<WrError> {
  try {
    await promise;
  } catch (error) {
    return error as WrError;
  }
  throw new Error('expected the lock to be refused');
}

/** Starts a process that stays alive, to stand for another wr restart. */
function startHolder(): ChildProcess {
  return spawn('sleep', ['60'], { stdio: 'ignore' });
}

/** Returns the pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn('true', { stdio: 'ignore' });
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid as number;
}

async function writeLock(folder: string, project: string, owner: LockOwner): Promise<void> {
  await writeFile(lockPath(folder, project), JSON.stringify(owner));
}

describe('restart lock', () => {
  let folder: string;
  let holder: ChildProcess;

  beforeAll(async () => {
    folder = await mkdtemp('/tmp/wr-restart-lock-');
    holder = startHolder();
  });

  afterAll(async () => {
    holder.kill('SIGKILL');
    await rm(folder, { recursive: true, force: true });
  });

  test('lock is taken and released', async () => {
    const lock = await acquireRestartLock(folder, 'shop', now);
    const owner = JSON.parse(await readFile(lock.path, 'utf8')) as LockOwner;
    expect(owner.pid).toBe(process.pid);
    expect(lock.takenOver).toBeNull();
    await lock.release();
    await expect(readFile(lock.path, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  test('second lock names holder pid and start', async () => {
    const lock = await acquireRestartLock(folder, 'shop', now);
    const error = await caught(acquireRestartLock(folder, 'shop', now));
    await lock.release();

    expect(error.code).toBe('RESTART_LOCKED');
    expect(error.message).toContain(`pid ${process.pid}`);
    expect(error.message).toMatch(/started \d{4}-\d\d-\d\dT/);
  });

  test('lock held by other live process refuses', async () => {
    const pid = holder.pid as number;
    const processStart = processStartTime('/proc', pid);
    await writeLock(folder, 'other', { pid, startedAt: '2026-01-01T00:00:00.000Z', processStart });
    const error = await caught(acquireRestartLock(folder, 'other', now));
    await rm(lockPath(folder, 'other'));

    expect(error.code).toBe('RESTART_LOCKED');
    expect(error.message).toContain(`pid ${pid}, started 2026-01-01T00:00:00.000Z`);
  });

  test('lock of dead pid is taken over', async () => {
    const stale = {
      pid: await deadPid(),
      startedAt: '2026-01-01T00:00:00.000Z',
      processStart: '1',
    };
    await writeLock(folder, 'stale', stale);
    const lock = await acquireRestartLock(folder, 'stale', now);
    const owner = JSON.parse(await readFile(lock.path, 'utf8')) as LockOwner;
    await lock.release();

    expect(lock.takenOver).toEqual(stale);
    expect(owner.pid).toBe(process.pid);
  });

  test('lock of reused pid is taken over', async () => {
    const pid = holder.pid as number;
    const reused = { pid, startedAt: '2026-01-01T00:00:00.000Z', processStart: '1' };
    await writeLock(folder, 'reused', reused);
    const lock = await acquireRestartLock(folder, 'reused', now);
    await lock.release();

    expect(lock.takenOver?.pid).toBe(pid);
  });

  test('lock folder that cannot be created is named', async () => {
    await writeFile(`${folder}/file`, '');
    const error = await caught(acquireRestartLock(`${folder}/file/locks`, 'shop', now));
    expect(error.code).toBe('LOCK_FOLDER');
    expect(error.message).toContain(`${folder}/file/locks`);
    expect(error.hint).toContain('--lock-dir');
  });

  test('release keeps a lock taken over by another', async () => {
    const lock = await acquireRestartLock(folder, 'kept', now);
    const pid = holder.pid as number;
    const other = { pid, startedAt: 'later', processStart: processStartTime('/proc', pid) };
    await writeLock(folder, 'kept', other);
    await lock.release();

    const owner = JSON.parse(await readFile(lock.path, 'utf8')) as LockOwner;
    expect(owner.pid).toBe(pid);
  });
});
