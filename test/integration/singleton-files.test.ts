import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeSingletonFiles } from '../../src/disk/singleton.js';

let base: string;
let caseNumber = 0;

beforeAll(async () => {
  base = await mkdtemp('/tmp/wr-singleton-');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Writes a profile folder with the three singleton links, the socket link pointing into `socketDir`. */
async function profileWithSingleton(
  socketDirName: string,
): Promise<{ folder: string; socketDir: string }> {
  caseNumber += 1;
  const folder = path.join(base, `case-${caseNumber}`, 'session-1');
  const socketDir = path.join(base, `case-${caseNumber}`, socketDirName);
  await mkdir(folder, { recursive: true });
  await mkdir(socketDir);
  await writeFile(path.join(socketDir, 'SingletonCookie'), '');
  await writeFile(path.join(folder, 'Preferences'), '{}');
  await symlink('restaurant-host-4242', path.join(folder, 'SingletonLock'));
  await symlink('1234567890', path.join(folder, 'SingletonCookie'));
  await symlink(path.join(socketDir, 'SingletonSocket'), path.join(folder, 'SingletonSocket'));
  return { folder, socketDir };
}

describe('singleton files', () => {
  it('removes the links and the socket folder', async () => {
    const { folder, socketDir } = await profileWithSingleton('org.chromium.Chromium.a1B2c3');

    await removeSingletonFiles(folder, { socketDir: true });

    expect(await readdir(folder)).toEqual(['Preferences']);
    expect(existsSync(socketDir)).toBe(false);
  });

  it('keeps the socket folder unless asked', async () => {
    const { folder, socketDir } = await profileWithSingleton('org.chromium.Chromium.d4E5f6');

    await removeSingletonFiles(folder, { socketDir: false });

    expect(await readdir(folder)).toEqual(['Preferences']);
    expect(existsSync(socketDir)).toBe(true);
  });

  it('keeps a socket target that is not a Chromium socket folder', async () => {
    const { folder, socketDir } = await profileWithSingleton('restaurant-data');

    await removeSingletonFiles(folder, { socketDir: true });

    expect(await readdir(folder)).toEqual(['Preferences']);
    expect(await readdir(socketDir)).toEqual(['SingletonCookie']);
  });

  it('folder without singleton files is left as it is', async () => {
    caseNumber += 1;
    const folder = path.join(base, `case-${caseNumber}`);
    await mkdir(folder);
    await writeFile(path.join(folder, 'Local State'), '{}');

    await removeSingletonFiles(folder, { socketDir: true });

    expect(await readdir(folder)).toEqual(['Local State']);
  });
});
