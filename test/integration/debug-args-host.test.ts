import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlClient } from '../../src/control/client.js';
import { rejectNewerSession } from '../../src/debug-args/chromium-version.js';
import { browserPidsOn, pauseOnHost } from '../../src/debug-args/host.js';
import { WrError } from '../../src/errors.js';
import { launchChromium, requireChromium, type LiveChromium } from '../harness/chromium.js';

let root: string;
let browser: LiveChromium | undefined;

beforeAll(async () => {
  requireChromium();
  root = await mkdtemp('/tmp/wr-debug-args-host-');
});

afterAll(async () => {
  await browser?.stop();
  await rm(root, { recursive: true, force: true });
});

/** Builds a client of a control socket that nothing listens on. */
function unreachableHost(): ControlClient {
  return new ControlClient({ socketPath: path.join(root, 'missing.sock') });
}

describe('debug-args host pause', () => {
  it('unreachable host with free folder goes on', async () => {
    const pause = await pauseOnHost(unreachableHost(), '1', path.join(root, 'free'), '/proc');

    expect(pause.paused).toBe(false);
  });

  it('unreachable host with live Chromium is rejected', async () => {
    const sessionDir = path.join(root, 'busy');
    browser = await launchChromium(sessionDir);
    const pids = await browserPidsOn('/proc', sessionDir);
    expect(pids).toHaveLength(1);

    const error = await pauseOnHost(unreachableHost(), '1', sessionDir, '/proc').catch(
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(WrError);
    expect((error as WrError).code).toBe('SESSION_IN_USE');
    expect((error as WrError).message).toContain(`Chromium pid ${pids[0]} uses ${sessionDir}`);
    expect((error as WrError).hint).toContain(`stop pid ${pids[0]}`);
  }, 30_000);
});

describe('debug-args session version', () => {
  async function sessionWritten(version: string | null): Promise<string> {
    const folder = await mkdtemp(path.join(root, 'session-'));
    await mkdir(folder, { recursive: true });
    if (version !== null) await writeFile(path.join(folder, 'Last Version'), `${version}\n`);
    return folder;
  }

  it('newer Chromium session is rejected', async () => {
    const folder = await sessionWritten('999.0.0.1');

    const error = await rejectNewerSession(folder, '/usr/bin/chromium').catch(
      (caught: unknown) => caught,
    );

    expect((error as WrError).code).toBe('SESSION_NEWER_CHROMIUM');
    expect((error as WrError).message).toContain('Chromium 999.0.0.1');
    expect((error as WrError).hint).toContain('--force');
  });

  it('older Chromium session is accepted', async () => {
    const folder = await sessionWritten('100.0.4896.60');

    await expect(rejectNewerSession(folder, '/usr/bin/chromium')).resolves.toBeUndefined();
  });

  it('session without Last Version is accepted', async () => {
    const folder = await sessionWritten(null);

    await expect(rejectNewerSession(folder, '/usr/bin/chromium')).resolves.toBeUndefined();
  });
});
