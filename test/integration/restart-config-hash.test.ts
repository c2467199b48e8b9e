import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ContainerInfo } from '../../src/docker/types.js';
import { findConfigDrift } from '../../src/restart/config-hash.js';
import { containerInfo } from '../harness/fixtures.js';

// NOTE: the sandbox has no compose CLI, so a shell script replaces
// `docker compose config --hash '*'`; it prints what compose v2 prints.
const stubCompose = `#!/bin/sh
echo "$@" > "\${0%/*}/args"
echo "backend sha-backend-new"
echo "db sha-db"
`;

function container(service: string, hash: string, composeFile: string): ContainerInfo {
  return containerInfo(service, {
    labels: {
      'com.docker.compose.config-hash': hash,
      'com.docker.compose.project.working_dir': path.dirname(composeFile),
      'com.docker.compose.project.config_files': composeFile,
    },
  });
}

describe('config drift', () => {
  let folder: string;
  let composeFile: string;
  let bin: string;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    folder = await mkdtemp('/tmp/wr-restart-hash-');
    composeFile = path.join(folder, 'docker-compose.yml');
    await writeFile(composeFile, 'services: {}\n');
    bin = path.join(folder, 'bin');
    await mkdir(bin);
    await writeFile(path.join(bin, 'docker'), stubCompose);
    await chmod(path.join(bin, 'docker'), 0o755);
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  test('drift names service with changed hash', async () => {
    const containers = [
      container('backend', 'sha-backend-old', composeFile),
      container('db', 'sha-db', composeFile),
    ];
    const drift = await findConfigDrift(containers, 'shop', { PATH: bin }, signal);

    expect(drift).toEqual({ checked: true, reason: null, changed: ['backend'] });
    const args = await readFile(path.join(bin, 'args'), 'utf8');
    expect(args.trim()).toBe(
      `compose --project-name shop --project-directory ${folder} --file ${composeFile} config --hash *`,
    );
  });

  test('drift skipped without compose CLI', async () => {
    const containers = [container('backend', 'sha-backend-old', composeFile)];
    const drift = await findConfigDrift(containers, 'shop', { PATH: folder }, signal);

    expect(drift.checked).toBe(false);
    expect(drift.reason).toContain('docker compose: not installed');
    expect(drift.changed).toEqual([]);
  });

  test('drift skipped without compose file', async () => {
    const missing = path.join(folder, 'gone', 'docker-compose.yml');
    const drift = await findConfigDrift(
      [container('backend', 'x', missing)],
      'shop',
      { PATH: bin },
      signal,
    );

    expect(drift.checked).toBe(false);
    expect(drift.reason).toBe(`compose file ${missing} is not on this machine`);
  });
});
