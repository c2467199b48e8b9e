import { describe, expect, it } from 'vitest';
import { parseExecTrace } from '../../src/core/profiles/wrapper.js';

const originals = new Map([
  ['--wr-argument-0', '--headless=new'],
  ['wr-argument-1', 'about:blank'],
  ['--wr-argument-2', '--user-agent=Mozilla/5.0 (X11; Linux x86_64)'],
]);

const debianTrace = [
  '+ APPNAME=chromium',
  '+ . /etc/chromium.d/default-flags',
  '+ export CHROMIUM_FLAGS= --disable-pings',
  '+ exec /usr/lib/chromium/chromium --disable-pings --load-extension= wr-argument-1 --wr-argument-2 --version --wr-argument-0',
  '',
].join('\n');

describe('parseExecTrace', () => {
  it('trace gives browser, flags and argv', () => {
    expect(parseExecTrace(debianTrace, originals)).toEqual({
      browserPath: '/usr/lib/chromium/chromium',
      wrapperFlags: ['--disable-pings', '--load-extension='],
      argv: [
        '/usr/lib/chromium/chromium',
        '--disable-pings',
        '--load-extension=',
        'about:blank',
        '--user-agent=Mozilla/5.0 (X11; Linux x86_64)',
        '--headless=new',
      ],
    });
  });

  it('trace without arguments gives flags only', () => {
    const trace = '+ exec /usr/lib/chromium/chromium --disable-pings --version\n';
    expect(parseExecTrace(trace, new Map())).toEqual({
      browserPath: '/usr/lib/chromium/chromium',
      wrapperFlags: ['--disable-pings'],
      argv: ['/usr/lib/chromium/chromium', '--disable-pings'],
    });
  });

  it('trace without exec gives null', () => {
    expect(parseExecTrace('+ echo Sorry\n+ exit 1\n', originals)).toBeNull();
  });

  it('trace without --version gives null', () => {
    expect(
      parseExecTrace('+ exec /usr/bin/gdb /usr/lib/chromium/chromium\n', originals),
    ).toBeNull();
  });
});
