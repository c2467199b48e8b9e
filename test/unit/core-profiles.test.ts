import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchArgs, loadProfile, parseProfile, type Profile } from '../../src/core/profiles.js';

const base = {
  name: 'test',
  description: 'a test profile',
  headless: true,
  args: ['--no-sandbox'],
};

function parse(value: unknown): Profile {
  return parseProfile('/etc/wr/profiles/test.json', JSON.stringify(value));
}

describe('profiles', () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp('/tmp/wr-core-profiles-');
    await writeFile(
      path.join(folder, 'default.json'),
      JSON.stringify({ ...base, name: 'default' }),
    );
    await writeFile(path.join(folder, 'broken.json'), '{ "name": ');
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('profile parses every field', () => {
    const profile = parse({
      ...base,
      headless: 'shell',
      userAgent: 'Mozilla/5.0',
      windowSize: [1280, 800],
      lang: 'es-AR',
    });
    expect(profile.headless).toBe('shell');
    expect(profile.windowSize).toEqual([1280, 800]);
  });

  it.each([
    [['no-dashes'], 'args.0: expected an argument starting with --'],
    [[''], 'args.0: expected an argument starting with --'],
    [['--user-data-dir=/tmp/x'], 'args.0: --user-data-dir and --remote-debugging-*'],
    [['--remote-debugging-port=9222'], 'args.0: --user-data-dir and --remote-debugging-*'],
  ])('profile rejects argument %j', (args, message) => {
    expect(() => parse({ ...base, args })).toThrow(message);
  });

  it('profile rejects unknown keys', () => {
    expect(() => parse({ ...base, argv: [] })).toThrow(/test\.json: \(root\): Unrecognized key/);
  });

  it('profile rejects headless false', () => {
    expect(() => parse({ ...base, headless: false })).toThrow(/headless/);
  });

  it('launch args add extra, window size and lang', () => {
    const profile = parse({ ...base, windowSize: [1366, 768], lang: 'es-AR' });
    expect(launchArgs(profile, ['--disable-sync'])).toEqual([
      '--no-sandbox',
      '--disable-sync',
      '--window-size=1366,768',
      '--lang=es-AR',
    ]);
  });

  it('profilesDir overrides shipped profile', async () => {
    const profile = await loadProfile({ profilesDir: folder }, 'default');
    expect(profile.description).toBe('a test profile');
  });

  it('shipped default profile loads', async () => {
    const profile = await loadProfile({ profilesDir: undefined }, 'default');
    expect(profile.name).toBe('default');
    expect(profile.args).toContain('--no-sandbox');
  });

  it('missing profile names both folders', async () => {
    await expect(loadProfile({ profilesDir: folder }, 'desktop')).rejects.toMatchObject({
      code: 'PROFILE_NOT_FOUND',
      message: expect.stringContaining(folder),
    });
  });

  it('invalid JSON names the file', async () => {
    await expect(loadProfile({ profilesDir: folder }, 'broken')).rejects.toThrow(
      `invalid JSON in ${path.join(folder, 'broken.json')}`,
    );
  });

  it('profile name with a slash is rejected', async () => {
    await expect(loadProfile({ profilesDir: folder }, '../default')).rejects.toMatchObject({
      code: 'PROFILE_INVALID',
    });
  });
});
