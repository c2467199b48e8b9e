import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWr } from '../harness/cli.js';

let root: string;
let profilesDir: string;

/** Writes a config naming `profilesDir` (or none) and returns the folder to run wr in. */
async function configFolder(name: string, config: object): Promise<string> {
  const dir = await mkdtemp(path.join(root, `${name}-`));
  await writeFile(path.join(dir, 'wr.config.json'), JSON.stringify(config));
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp('/tmp/wr-profiles-e2e-');
  profilesDir = await mkdtemp(path.join(root, 'profiles-'));
  await writeFile(
    path.join(profilesDir, 'quoted.json'),
    JSON.stringify({
      name: 'quoted',
      description: 'CHROME_ARGS-style string',
      headless: true,
      args: `--no-sandbox "--proxy-bypass-list=a b"`,
    }),
  );
  await writeFile(
    path.join(profilesDir, 'bad.json'),
    JSON.stringify({
      name: 'bad',
      description: 'user agent in the arguments',
      headless: true,
      args: ['--no-sandbox', '--user-agent=Mozilla/5.0'],
    }),
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('wr profiles', () => {
  it('list shows the shipped profiles', async () => {
    const cwd = await configFolder('plain', { connections: [{ id: 3, profile: 'desktop' }] });
    const run = await runWr(['profiles', 'list'], { cwd });
    expect(run.exitCode).toBe(0);
    for (const name of ['default', 'minimal', 'low-memory', 'desktop']) {
      expect(run.stdout).toContain(name);
    }
    expect(run.stdout).toContain('next: wr profiles show <name>');
  });

  it('list json marks invalid profile, exits 2', async () => {
    const cwd = await configFolder('dir', { profilesDir });
    const run = await runWr(['profiles', 'list', '--json'], { cwd });
    expect(run.exitCode).toBe(2);
    const list = JSON.parse(run.stdout) as {
      profiles: Array<{ name: string; error: string | null; origin: string }>;
    };
    const bad = list.profiles.find((entry) => entry.name === 'bad');
    expect(bad?.error).toContain(`${path.join(profilesDir, 'bad.json')}: args[1]`);
    expect(bad?.error).toContain('set the user agent with "userAgent"');
    expect(list.profiles.find((entry) => entry.name === 'quoted')?.origin).toBe('profilesDir');
  });

  it('show invalid profile exits 2 naming file and rule', async () => {
    const cwd = await configFolder('dir', { profilesDir });
    const run = await runWr(['profiles', 'show', 'bad'], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('PROFILE_INVALID');
    expect(run.stderr).toContain(path.join(profilesDir, 'bad.json'));
    expect(run.stderr).toContain('"--user-agent=Mozilla/5.0"');
    expect(run.stderr).toContain('set the user agent with "userAgent"');
  });

  it('show unknown profile exits 2', async () => {
    const cwd = await configFolder('plain', {});
    const run = await runWr(['profiles', 'show', 'nonexistent', '--json'], { cwd });
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'PROFILE_NOT_FOUND' } });
  });

  it('show desktop lists what wwebjs adds', async () => {
    const cwd = await configFolder('plain', {});
    const run = await runWr(['profiles', 'show', 'desktop', '--json'], { cwd });
    expect(run.exitCode).toBe(0);
    const detail = JSON.parse(run.stdout) as {
      profile: { userAgent: string };
      launch: {
        layers: Array<{ source: string; args: string[] }>;
        commandLine: string[];
        executable: { wrapperFlags: string[]; version: string } | null;
      };
    };
    const wwebjs = detail.launch.layers.find((layer) => layer.source.startsWith('whatsapp-web.js'));
    expect(wwebjs?.args).toEqual([
      `--user-agent=${detail.profile.userAgent}`,
      '--disable-blink-features=AutomationControlled',
    ]);
    expect(detail.launch.commandLine).toContain('--window-size=1920,1040');
    expect(detail.launch.executable?.version).toMatch(/^Chromium \d+\./);
  });

  it('show lists the Debian wrapper flags', async () => {
    const cwd = await configFolder('plain', {});
    const run = await runWr(['profiles', 'show', 'minimal'], { cwd });
    expect(run.exitCode).toBe(0);
    // /etc/chromium.d/default-flags of Debian's chromium package sets --disable-pings.
    expect(run.stdout).toContain('/usr/bin/chromium (wrapper script)');
    expect(run.stdout).toContain('--disable-pings');
    expect(run.stdout).toContain('browser: /usr/lib/chromium/chromium via /usr/bin/chromium');
  });

  it('show keeps a quoted value as one argument', async () => {
    const cwd = await configFolder('dir', { profilesDir });
    const run = await runWr(['profiles', 'show', 'quoted', '--json'], { cwd });
    expect(run.exitCode).toBe(0);
    const detail = JSON.parse(run.stdout) as { profile: { args: string[] } };
    expect(detail.profile.args).toEqual(['--no-sandbox', '--proxy-bypass-list=a b']);
  });

  it('show without Chromium still lists arguments', async () => {
    const executablePath = path.join(root, 'no-chromium');
    const cwd = await configFolder('absent', { chromium: { executablePath } });
    const run = await runWr(['profiles', 'show', 'minimal'], { cwd });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `browser: not inspected: ${executablePath} not found: set chromium.executablePath`,
    );
    expect(run.stdout).toContain('--disable-blink-features=AutomationControlled');
    expect(run.stdout).not.toContain('(wrapper script)');
  });
});
