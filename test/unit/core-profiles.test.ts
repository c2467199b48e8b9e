import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchArgs, loadProfile, parseProfile, type Profile } from '../../src/core/profiles.js';
import { WrError } from '../../src/errors.js';

const file = '/etc/wr/profiles/test.json';
const base = {
  name: 'test',
  description: 'a test profile',
  headless: true,
  args: ['--no-sandbox'],
};

function parse(value: unknown): Profile {
  return parseProfile(file, JSON.stringify(value));
}

/** Returns the error parse throws for `value`, failing the test when it throws none. */
function parseError(value: unknown): WrError {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof WrError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
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
    expect(profile.lang).toBe('es-AR');
    expect(profile.userAgent).toBe('Mozilla/5.0');
  });

  it.each<[string[], string]>([
    [['no-dashes'], 'args[0] "no-dashes": every argument must start with --'],
    [['--'], 'args[0] "--": every argument must start with --'],
    [[''], 'args[0] "": an argument may not be empty'],
    [
      ['--no-sandbox', '--user-data-dir=/tmp/x'],
      'args[1] "--user-data-dir=/tmp/x": --user-data-dir is set by wr',
    ],
    [['--user-data-dir'], 'args[0] "--user-data-dir": --user-data-dir is set by wr'],
    [
      ['--remote-debugging-port=9222'],
      'args[0] "--remote-debugging-port=9222": --remote-debugging-* is set by puppeteer',
    ],
    [['--remote-debugging-pipe'], '--remote-debugging-* is set by puppeteer'],
    [['--user-agent=Mozilla/5.0 (X11)'], 'set the user agent with "userAgent"'],
    [['--headless=new'], 'set headless mode with "headless"'],
    [['--no-sandbox --disable-gpu'], 'a space before "=" joins several arguments'],
  ])('profile rejects arguments %j', (args, message) => {
    const error = parseError({ ...base, args });
    expect(error.message).toContain(`invalid profile ${file}: `);
    expect(error.message).toContain(message);
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('PROFILE_INVALID');
  });

  it('argument value may contain spaces', () => {
    const profile = parse({ ...base, args: ['--proxy-bypass-list=a b;c'] });
    expect(profile.args).toEqual(['--proxy-bypass-list=a b;c']);
  });

  it('window size argument conflicts with windowSize', () => {
    const error = parseError({ ...base, windowSize: [800, 600], args: ['--window-size=1,1'] });
    expect(error.message).toContain('args[0] "--window-size=1,1": conflicts with "windowSize"');
  });

  it('window size argument alone is kept', () => {
    expect(parse({ ...base, args: ['--window-size=1,1'] }).args).toEqual(['--window-size=1,1']);
  });

  it('accept-lang argument conflicts with lang', () => {
    const error = parseError({ ...base, lang: 'es', args: ['--accept-lang=pt'] });
    expect(error.message).toContain('conflicts with "lang"');
  });

  it('string args split like shell words', () => {
    const profile = parse({
      ...base,
      args: `--no-sandbox  '--proxy-bypass-list=a b' --lang="es AR"`,
    });
    expect(profile.args).toEqual(['--no-sandbox', '--proxy-bypass-list=a b', '--lang=es AR']);
  });

  it('string args are checked by the same rules', () => {
    const error = parseError({ ...base, args: '--no-sandbox --user-agent="Mozilla/5.0 (X11)"' });
    expect(error.message).toContain('args[1] "--user-agent=Mozilla/5.0 (X11)": set the user agent');
  });

  it('string args with open quote name the column', () => {
    const error = parseError({ ...base, args: "--no-sandbox '--lang=es" });
    expect(error.message).toContain("args: unterminated ' quote starting at column 14");
  });

  it('profile rejects unknown keys', () => {
    expect(() => parse({ ...base, argv: [] })).toThrow(/test\.json: \(root\): Unrecognized key/);
  });

  it('profile rejects headless false', () => {
    const error = parseError({ ...base, headless: false });
    expect(error.message).toContain('headless: expected true or "shell"');
    expect(error.exitCode).toBe(2);
  });

  it('profile rejects a bad language tag', () => {
    expect(parseError({ ...base, lang: 'Spanish!' }).message).toContain(
      'lang: expected a language tag',
    );
  });

  it('profile name must match the file', () => {
    const error = parseError({ ...base, name: 'other' });
    expect(error.message).toContain('name: "other" differs from the file name; expected "test"');
  });

  it('launch args add extra, window size and lang', () => {
    const profile = parse({ ...base, windowSize: [1366, 768], lang: 'es-AR' });
    expect(launchArgs(profile, ['--disable-sync'])).toEqual([
      '--no-sandbox',
      '--disable-sync',
      '--window-size=1366,768',
      '--lang=es-AR',
      '--accept-lang=es-AR,es',
    ]);
  });

  it('launch args for a bare language', () => {
    const profile = parse({ ...base, lang: 'pt' });
    expect(launchArgs(profile, [])).toEqual(['--no-sandbox', '--lang=pt', '--accept-lang=pt']);
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
    await expect(loadProfile({ profilesDir: folder }, 'nonexistent')).rejects.toMatchObject({
      code: 'PROFILE_NOT_FOUND',
      exitCode: 2,
      message: expect.stringContaining(folder),
    });
  });

  it('invalid JSON names the file', async () => {
    await expect(loadProfile({ profilesDir: folder }, 'broken')).rejects.toThrow(
      `invalid profile ${path.join(folder, 'broken.json')}: invalid JSON`,
    );
  });

  it('profile name with a slash is rejected', async () => {
    await expect(loadProfile({ profilesDir: folder }, '../default')).rejects.toMatchObject({
      code: 'PROFILE_INVALID',
      exitCode: 2,
    });
  });
});
