import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run, type PruneReport } from '../../commands/prune-credentials.js';
import { assertSafeCredentialsRoot } from '../../src/disk/prune.js';
import { allocatedBytes } from '../../src/disk/size.js';
import { WrError } from '../../src/errors.js';
import { formatBytes } from '../../src/output/format.js';
import { launchChromium, requireChromium, writeChromiumProfile } from '../harness/chromium.js';
import {
  absentDockerHost,
  adversarial,
  buildAdversarialTree,
  commandContext,
  sessionFolder,
  snapshotTree,
} from '../harness/credential-trees.js';

let base: string;
let caseNumber = 0;

beforeAll(async () => {
  requireChromium();
  base = await mkdtemp('/tmp/wr-c2-prune-');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Creates a fresh folder per test: `<case>/creds` for credentials, `<case>/outside` next to it. */
async function caseFolders() {
  caseNumber += 1;
  const folder = path.join(base, `case-${caseNumber}`);
  const creds = path.join(folder, 'creds');
  await mkdir(creds, { recursive: true });
  return { creds, outside: path.join(folder, 'outside') };
}

function configFor(creds: string, extra: Record<string, unknown> = {}) {
  return { paths: { credentials: creds }, docker: { host: absentDockerHost }, ...extra };
}

function entry(report: PruneReport, creds: string, name: string) {
  const found = report.folders.find((folder) => folder.path === path.join(creds, name));
  if (!found) throw new Error(`no entry ${JSON.stringify(name)} in the report`);
  return found;
}

async function expectRejection(promise: Promise<unknown>, code: string, exitCode: number) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WrError);
  expect((error as WrError).code).toBe(code);
  expect((error as WrError).exitCode).toBe(exitCode);
}

describe('prune-credentials', () => {
  it('prune skips live folder', async () => {
    const { creds } = await caseFolders();
    await writeChromiumProfile(path.join(creds, 'session-old'));
    const browser = await launchChromium(path.join(creds, 'session-live'));
    try {
      const result = await run({ yes: true }, commandContext(configFor(creds)));

      const live = entry(result.data, creds, 'session-live');
      expect(live.action).toBe('keep');
      expect(live.reason).toContain(`browser pid ${browser.pid}`);
      expect(existsSync(path.join(creds, 'session-live', 'Default'))).toBe(true);
      expect(entry(result.data, creds, 'session-old').action).toBe('deleted');
      expect(existsSync(path.join(creds, 'session-old'))).toBe(false);
      expect(result.exitCode).toBe(0);
    } finally {
      await browser.stop();
    }
  });

  it('prune keeps registered bd_ folder', async () => {
    const { creds } = await caseFolders();
    await writeChromiumProfile(path.join(creds, 'session-bd_3'));
    await sessionFolder(creds, 'session-bd_9');
    const config = configFor(creds, {
      clientIdPattern: 'bd_{id}',
      connections: [{ id: 3, name: 'Sucursal Centro' }],
    });

    const result = await run({ yes: true }, commandContext(config));

    const registered = entry(result.data, creds, 'session-bd_3');
    expect(registered.action).toBe('keep');
    expect(registered.connectionId).toBe('3');
    expect(registered.clientId).toBe('bd_3');
    expect(existsSync(path.join(creds, 'session-bd_3', 'Default'))).toBe(true);
    expect(entry(result.data, creds, 'session-bd_9').action).toBe('deleted');
  });

  it('prune leaves symlink target untouched', async () => {
    const { creds, outside } = await caseFolders();
    await buildAdversarialTree(creds, outside);
    const before = await snapshotTree(outside);

    const result = await run({ yes: true }, commandContext(configFor(creds)));

    expect(await snapshotTree(outside)).toEqual(before);
    expect(lstatSync(path.join(creds, adversarial.linkOut)).isSymbolicLink()).toBe(true);
    expect(entry(result.data, creds, adversarial.linkOut).action).toBe('keep');
    expect(entry(result.data, creds, adversarial.linkInside).action).toBe('deleted');
  });

  it('prune handles adversarial names', async () => {
    const { creds, outside } = await caseFolders();
    await buildAdversarialTree(creds, outside);

    const result = await run({ yes: true }, commandContext(configFor(creds)));

    const deleted = [
      adversarial.space,
      adversarial.newline,
      adversarial.unicode,
      adversarial.staleHost,
    ];
    for (const name of deleted) {
      expect(entry(result.data, creds, name).action, name).toBe('deleted');
      expect(existsSync(path.join(creds, name)), name).toBe(false);
    }
    const kept = [
      adversarial.leadingDash,
      adversarial.bareSession,
      adversarial.plainFile,
      // Its lock names a host that is neither this machine nor a listed
      // container, and the engine is unreachable here, so it cannot be judged.
      adversarial.staleContainer,
    ];
    for (const name of kept) {
      expect(entry(result.data, creds, name).action, name).toBe('keep');
      expect(existsSync(path.join(creds, name)), name).toBe(true);
    }
    expect(result.data.warnings.join(' ')).toContain('could not be matched');
  });

  it('dry run leaves tree identical', async () => {
    const { creds, outside } = await caseFolders();
    await buildAdversarialTree(creds, outside);
    await writeChromiumProfile(path.join(creds, 'session-real'));
    const root = path.dirname(creds);
    const before = await snapshotTree(root);

    const result = await run({ dryRun: true }, commandContext(configFor(creds)));

    expect(await snapshotTree(root)).toEqual(before);
    expect(result.data.dryRun).toBe(true);
    expect(entry(result.data, creds, 'session-real').action).toBe('delete');
    expect(result.data.reclaimedBytes).toBeGreaterThan(0);
  });

  it('json report shape', async () => {
    const { creds } = await caseFolders();
    await sessionFolder(creds, 'session-x');

    const result = await run({ dryRun: true }, commandContext(configFor(creds), { json: true }));

    expect(Object.keys(result.data)).toEqual(
      expect.arrayContaining(['dryRun', 'folders', 'reclaimedBytes']),
    );
    expect(Object.keys(result.data.folders[0] ?? {})).toEqual(
      expect.arrayContaining(['path', 'clientId', 'connectionId', 'bytes', 'action', 'reason']),
    );
  });

  it('prune rejects root directory', async () => {
    await expectRejection(
      run({ yes: true }, commandContext(configFor('/'))),
      'CREDENTIALS_UNSAFE',
      2,
    );
  });

  it('prune rejects home directory', async () => {
    const home = os.homedir();
    await expectRejection(
      run({ yes: true }, commandContext(configFor(home))),
      'CREDENTIALS_UNSAFE',
      2,
    );
  });

  it('prune rejects passwd home', async () => {
    const { creds } = await caseFolders();
    const passwd = path.join(path.dirname(creds), 'passwd');
    await writeFile(passwd, `app:x:1000:1000::${creds}:/bin/sh\n`);
    const rejection = assertSafeCredentialsRoot(creds, { homedir: '/root', passwdFile: passwd });
    await expectRejection(rejection, 'CREDENTIALS_UNSAFE', 2);
  });

  it('prune rejects missing path', async () => {
    const { creds } = await caseFolders();
    const missing = path.join(creds, 'absent');
    await expectRejection(
      run({ yes: true }, commandContext(configFor(missing))),
      'CREDENTIALS_MISSING',
      2,
    );
  });

  it('prune requires --yes without TTY', async () => {
    const { creds } = await caseFolders();
    await sessionFolder(creds, 'session-x');
    const before = await snapshotTree(creds);

    const context = commandContext(configFor(creds), { stdinIsTTY: false });
    const error = await run({}, context).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(WrError);
    expect((error as WrError).code).toBe('CONFIRMATION_REQUIRED');
    expect((error as WrError).exitCode).toBe(2);
    expect((error as WrError).hint).toContain('--yes');
    expect(await snapshotTree(creds)).toEqual(before);
  });

  it.each([
    ['n', 'skipped', true],
    ['y', 'deleted', false],
  ])('prune confirmation answered %s', async (answer, action, remains) => {
    const { creds } = await caseFolders();
    await sessionFolder(creds, 'session-x');
    const context = commandContext(configFor(creds), { stdinIsTTY: true });

    const pending = run({}, context);
    await answerPrompt(context, answer);
    const result = await pending;

    expect(context.streams.stderr.text()).toContain('session-x');
    expect(entry(result.data, creds, 'session-x').action).toBe(action);
    expect(existsSync(path.join(creds, 'session-x'))).toBe(remains);
  });

  it('prune reports half-way failure', async () => {
    const { creds } = await caseFolders();
    const broken = await sessionFolder(creds, 'session-broken');
    const locked = path.join(broken, 'locked');
    await mkdir(locked);
    await writeFile(path.join(locked, 'cookies'), Buffer.alloc(65536, 3));
    await sessionFolder(creds, 'session-fine');
    // A read-only bind mount makes the deletion fail inside the folder, even for root.
    mountReadOnly(locked);
    try {
      const result = await run({ yes: true }, commandContext(configFor(creds)));

      const failed = entry(result.data, creds, 'session-broken');
      expect(failed.action).toBe('failed');
      const cookies = path.join(locked, 'cookies');
      expect(failed.failure).toEqual({ code: 'EROFS', path: cookies });
      expect(failed.reason).toContain(`deletion failed part-way: EROFS on ${cookies}`);
      expect(failed.remaining).toEqual({ count: 2, examples: [cookies] });
      expect(failed.bytes).toBeGreaterThan(0);
      expect(existsSync(path.join(locked, 'cookies'))).toBe(true);
      expect(entry(result.data, creds, 'session-fine').action).toBe('deleted');
      expect(result.exitCode).toBe(1);
      expect(result.view(result.data, commandContext({}).output)).toContain('only partly deleted');
    } finally {
      spawnSync('umount', [locked]);
    }
  });
});

describe('prune-credentials immutable file', () => {
  let frozen: string | null = null;

  afterEach(() => {
    if (frozen) spawnSync('chattr', ['-i', frozen]);
    frozen = null;
  });

  it('prune reports exact partial deletion', async () => {
    const { creds } = await caseFolders();
    const broken = await sessionFolder(creds, 'session-frozen');
    const cookies = path.join(broken, 'Default', 'Cookies');
    await writeFile(cookies, Buffer.alloc(8192, 2));
    // An immutable file cannot be unlinked, even by root, so unlink fails with EPERM.
    const chattr = spawnSync('chattr', ['+i', cookies], { encoding: 'utf8' });
    if (chattr.status !== 0) {
      throw new Error(`chattr +i ${cookies} failed (needs root and ext4): ${chattr.stderr}`);
    }
    frozen = cookies;
    const before = (await allocatedBytes([broken])).get(broken) as number;

    const result = await run({ yes: true }, commandContext(configFor(creds)));

    const failed = entry(result.data, creds, 'session-frozen');
    const after = (await allocatedBytes([broken])).get(broken) as number;
    expect(failed.action).toBe('failed');
    expect(failed.failure).toEqual({ code: 'EPERM', path: cookies });
    expect(failed.bytes).toBe(after);
    expect(failed.freedBytes).toBe(before - after);
    expect(failed.remaining).toEqual({ count: 2, examples: [cookies] });
    expect(failed.reason).toBe(
      `deletion failed part-way: EPERM on ${cookies}; ` +
        `${formatBytes(before - after)} of ${formatBytes(before)} removed, ` +
        `${formatBytes(after)} left in 2 entries (${cookies})`,
    );
    expect(existsSync(path.join(broken, 'Local State'))).toBe(false);
    expect(existsSync(path.join(broken, 'Default', 'IndexedDB'))).toBe(false);
    expect(existsSync(cookies)).toBe(true);
    expect(result.exitCode).toBe(1);
  });
});

/** Waits for the confirmation prompt on stderr, then types the answer on stdin. */
async function answerPrompt(context: ReturnType<typeof commandContext>, answer: string) {
  const deadline = Date.now() + 10_000;
  while (!context.streams.stderr.text().includes('(y/N)')) {
    if (Date.now() > deadline) throw new Error('no confirmation prompt on stderr within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  (context.streams.stdin as unknown as NodeJS.WritableStream).write(`${answer}\n`);
}

function mountReadOnly(folder: string): void {
  const bind = spawnSync('mount', ['--bind', folder, folder], { encoding: 'utf8' });
  if (bind.status !== 0) throw new Error(`mount --bind failed (needs root): ${bind.stderr}`);
  const remount = spawnSync('mount', ['-o', 'remount,bind,ro', folder], { encoding: 'utf8' });
  if (remount.status !== 0) {
    spawnSync('umount', [folder]);
    throw new Error(`read-only remount failed: ${remount.stderr}`);
  }
}
