import { describe, expect, it } from 'vitest';
import {
  isBrowserExecutable,
  isBrowserMain,
  normalizeArgv,
  userDataDirOf,
} from '../../src/host/browsers.js';
import { hostPathInContainer } from '../../src/host/mounts.js';
import { parseStat, parseStatus, splitCmdline } from '../../src/host/proc.js';
import { parseLockTarget } from '../../src/disk/locks.js';

const mount = (source: string, destination: string) => ({
  source,
  destination,
  type: 'bind',
  readOnly: false,
});

describe('proc parsing', () => {
  it('status fields', () => {
    const status = parseStatus('Name:\tchromium\nState:\tZ (zombie)\nPPid:\t12\nNSpid:\t4312\t7\n');
    expect(status.get('Name')).toBe('chromium');
    expect(status.get('State')).toBe('Z (zombie)');
    expect(status.get('NSpid')).toBe('4312\t7');
  });

  it('stat state and process group', () => {
    const stat = parseStat('4312 (Chrome_Child (io)) S 4300 4300 4300 0 -1 4194560 5087 0 0\n');
    expect(stat.state).toBe('S');
    expect(stat.pgrp).toBe(4300);
  });

  it('cmdline keeps spaces inside arguments', () => {
    const bytes = Buffer.from('/usr/lib/chromium/chromium\0--user-data-dir=/a b/c\0');
    expect(splitCmdline(bytes)).toEqual(['/usr/lib/chromium/chromium', '--user-data-dir=/a b/c']);
  });

  it('rewritten child cmdline is split at spaces', () => {
    const argv = normalizeArgv(['/usr/lib/chromium/chromium --type=renderer --lang=en-US']);
    expect(argv).toEqual(['/usr/lib/chromium/chromium', '--type=renderer', '--lang=en-US']);
    expect(isBrowserMain(argv)).toBe(false);
  });
});

describe('browser recognition', () => {
  it.each([
    ['/usr/lib/chromium/chromium', true],
    ['/opt/google/chrome/chrome', true],
    ['/root/.cache/puppeteer/chrome-headless-shell/linux/chrome-headless-shell', true],
    ['/x/headless_shell', true],
    ['/usr/bin/chromium-wrapper', false],
    ['/usr/bin/node', false],
  ])('executable %s', (argv0, expected) => {
    expect(isBrowserExecutable(argv0)).toBe(expected);
  });

  it('main process has no --type', () => {
    expect(isBrowserMain(['/usr/lib/chromium/chromium', '--user-data-dir=/p'])).toBe(true);
    expect(isBrowserMain(['/usr/lib/chromium/chromium', '--type=zygote'])).toBe(false);
  });

  it('last user-data-dir wins', () => {
    expect(userDataDirOf(['x', '--user-data-dir=/a', '--user-data-dir=/b'])).toBe('/b');
    expect(userDataDirOf(['x', '--headless'])).toBeUndefined();
  });
});

describe('mount translation', () => {
  const mounts = [
    mount('/srv/app', '/usr/src/app'),
    mount('/srv/auth', '/usr/src/app/.wwebjs_auth/'),
  ];

  it('longest destination wins', () => {
    expect(hostPathInContainer(mounts, '/usr/src/app/.wwebjs_auth/session-bd_3')).toBe(
      '/srv/auth/session-bd_3',
    );
  });

  it('shorter mount covers the rest', () => {
    expect(hostPathInContainer(mounts, '/usr/src/app/public')).toBe('/srv/app/public');
  });

  it('prefix must end at a separator', () => {
    expect(hostPathInContainer(mounts, '/usr/src/apple/x')).toBeNull();
  });

  it('mount point itself', () => {
    expect(hostPathInContainer(mounts, '/usr/src/app/.wwebjs_auth')).toBe('/srv/auth');
  });
});

describe('lock target', () => {
  it('hostname with dashes', () => {
    expect(parseLockTarget('backend-7f9c-42')).toEqual({
      target: 'backend-7f9c-42',
      hostname: 'backend-7f9c',
      pid: 42,
    });
  });

  it('target without pid', () => {
    expect(parseLockTarget('garbage').pid).toBeNull();
  });
});
