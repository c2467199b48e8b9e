import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { loadProfile, shippedProfilesDir } from '../../src/core/profiles.js';
import { listProfiles } from '../../src/core/profiles/catalog.js';

const shippedNames = ['default', 'desktop', 'low-memory', 'minimal'];

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp('/tmp/wr-profiles-catalog-');
  const own = { description: 'from profilesDir', headless: true };
  await writeFile(
    path.join(folder, 'default.json'),
    JSON.stringify({ ...own, name: 'default', args: '--no-sandbox --disable-gpu' }),
  );
  await writeFile(
    path.join(folder, 'kiosk.json'),
    JSON.stringify({ ...own, name: 'kiosk', args: ['--no-sandbox'] }),
  );
  await writeFile(
    path.join(folder, 'bad.json'),
    JSON.stringify({ ...own, name: 'bad', args: ['--remote-debugging-port=9222'] }),
  );
  await writeFile(path.join(folder, 'notes.txt'), 'not a profile');
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('profile catalog', () => {
  it('every shipped profile is valid and headless', async () => {
    const entries = await listProfiles({ profilesDir: undefined, connections: [] });
    expect(entries.map((entry) => entry.name)).toEqual(shippedNames);
    for (const entry of entries) {
      expect(entry.error, entry.file).toBeNull();
      expect(entry.profile?.headless, entry.file).toBeTruthy();
      expect(entry.origin).toBe('shipped');
    }
  });

  it('profilesDir adds and replaces profiles', async () => {
    const config = configSchema.parse({
      profilesDir: folder,
      connections: [
        { id: 3, profile: 'default' },
        { id: 7, profile: 'kiosk' },
        { id: 8, profile: 'default' },
      ],
    });
    const entries = await listProfiles(config);
    const byName = new Map(entries.map((entry) => [entry.name, entry]));

    expect([...byName.keys()]).toEqual([
      'bad',
      'default',
      'desktop',
      'kiosk',
      'low-memory',
      'minimal',
    ]);
    const replaced = byName.get('default')!;
    expect(replaced.origin).toBe('profilesDir');
    expect(replaced.overrides).toBe(path.join(shippedProfilesDir(), 'default.json'));
    expect(replaced.profile?.args).toEqual(['--no-sandbox', '--disable-gpu']);
    expect(replaced.connections).toEqual(['3', '8']);
    expect(byName.get('kiosk')!.overrides).toBeNull();
    expect(byName.get('kiosk')!.connections).toEqual(['7']);
  });

  it('invalid profile is listed with its error', async () => {
    const entries = await listProfiles({ profilesDir: folder, connections: [] });
    const bad = entries.find((entry) => entry.name === 'bad')!;
    expect(bad.profile).toBeNull();
    expect(bad.error).toBe(
      `invalid profile ${path.join(folder, 'bad.json')}: args[0] "--remote-debugging-port=9222": --remote-debugging-* is set by puppeteer, which drives the browser through it`,
    );
  });

  it('missing profilesDir is a usage error', async () => {
    await expect(
      listProfiles({ profilesDir: path.join(folder, 'absent'), connections: [] }),
    ).rejects.toMatchObject({ code: 'PROFILES_DIR_NOT_FOUND', exitCode: 2 });
  });

  it('loadProfile prefers profilesDir', async () => {
    const profile = await loadProfile({ profilesDir: folder }, 'default');
    expect(profile.description).toBe('from profilesDir');
  });
});
