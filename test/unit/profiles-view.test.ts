import { describe, expect, it } from 'vitest';
import type { ProfileList } from '../../commands/profiles-list.js';
import type { ProfileDetail } from '../../commands/profiles-show.js';
import { profileListView, profileShowView } from '../../src/output/views/profiles.js';
import type { OutputOptions } from '../../src/output/style.js';

const options: OutputOptions = {
  json: false,
  color: false,
  quiet: false,
  verbose: false,
  interactive: false,
};

const list: ProfileList = {
  shippedDir: '/opt/wr/profiles',
  profilesDir: '/etc/wr/profiles',
  profiles: [
    {
      name: 'bad',
      file: '/etc/wr/profiles/bad.json',
      origin: 'profilesDir',
      overrides: null,
      profile: null,
      error: 'invalid profile /etc/wr/profiles/bad.json: args[0] "x": must start with --',
      connections: ['9'],
    },
    {
      name: 'desktop',
      file: '/etc/wr/profiles/desktop.json',
      origin: 'profilesDir',
      overrides: '/opt/wr/profiles/desktop.json',
      profile: {
        name: 'desktop',
        description: 'desktop look',
        headless: true,
        args: ['--no-sandbox'],
        userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/156.0.0.0 Safari/537.36',
        windowSize: [1920, 1040],
        lang: 'en-US',
      },
      error: null,
      connections: ['3', '7'],
    },
  ],
};

/** Joins the wrapped cells of table column `index` (0 = first) with spaces. */
function column(text: string, index: number): string {
  const cells = text.split('\n').map((line) => line.split('│')[index + 1]?.trim());
  return cells.filter(Boolean).join(' ');
}

describe('profileListView', () => {
  const text = profileListView(list, options);

  it('list view marks invalid profile', () => {
    expect(text).toMatch(/│ bad\s+│ profilesDir\s+│ invalid/);
    expect(column(text, 5)).toContain('args[0] "x": must start with --');
  });

  it('list view sums up settings', () => {
    expect(text).toContain('window 1920x1040');
    expect(text).toContain('lang en-US');
    expect(text).toContain('Chrome/156.0.0.0');
  });

  it('list view names override and users', () => {
    expect(column(text, 1)).toContain('profilesDir, replaces shipped');
    expect(text).toContain('3, 7');
  });

  it('list view names both folders', () => {
    expect(text).toContain('shipped profiles: /opt/wr/profiles');
    expect(text).toContain('profilesDir: /etc/wr/profiles');
  });
});

const detail: ProfileDetail = {
  name: 'quoted',
  file: '/etc/wr/profiles/quoted.json',
  origin: 'profilesDir',
  overrides: null,
  connections: [],
  profile: { name: 'quoted', description: 'quotes', headless: true, args: ["--x=it's a b"] },
  launch: {
    executable: null,
    executableError:
      '/usr/bin/chromium not found: set chromium.executablePath, or install chromium',
    layers: [{ source: 'profile quoted', args: ["--x=it's a b"] }],
    userAgent: { value: 'Mozilla/5.0', source: 'whatsapp-web.js default' },
    commandLine: ['/usr/bin/chromium', "--x=it's a b", '--no-sandbox'],
    reorderedByWrapper: false,
  },
};

describe('profileShowView', () => {
  it('show view quotes the command line', () => {
    const text = profileShowView(detail, { ...options, verbose: true });
    expect(text).toContain(`  /usr/bin/chromium '--x=it'\\''s a b' --no-sandbox`);
  });

  it('show view names a missing browser', () => {
    const text = profileShowView(detail, options);
    expect(text).toContain('browser: not inspected: /usr/bin/chromium not found');
    expect(text).not.toContain('command line:');
  });
});
