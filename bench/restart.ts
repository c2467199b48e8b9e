import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBusyboxImage } from '../test/harness/busybox-image.js';
import { createServiceContainer } from '../test/harness/compose.js';
import { startDockerd } from '../test/harness/dockerd.js';
import { timeCommands } from './timing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const project = 'wr-bench-restart';
/** Five services in a chain, so both sides run every stop and start in one order. */
const services = ['db', 'cache', 'backend', 'worker', 'frontend'];

/**
 * The baseline: the same stops (1 s timeout) in reverse order and starts in
 * order, each start followed by inspects until the container runs, with
 * dockerode directly. Run with `node --input-type=module -e` from the repo root.
 */
const baselineScript = `
import Dockerode from 'dockerode';
const docker = new Dockerode({ socketPath: process.env.BENCH_SOCKET });
const order = ${JSON.stringify(services)}.map((service) => '${project}-' + service + '-1');
for (const name of [...order].reverse()) await docker.getContainer(name).stop({ t: 1 });
for (const name of order) {
  await docker.getContainer(name).start();
  while (!(await docker.getContainer(name).inspect()).State.Running) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
`;

export interface RestartBench {
  baselineMs: number;
  wrMs: number;
  ratio: number;
  rounds: number;
  storageDriver: string;
}

/**
 * Times `wr restart --all --no-wait` on five containers against the
 * baseline script, both as whole processes, alternating for `rounds`
 * rounds on a private dockerd.
 */
export async function benchRestart(rounds = 11): Promise<RestartBench> {
  const dockerd = await startDockerd();
  const folder = await mkdtemp('/tmp/wr-bench-restart-');
  try {
    const image = 'wr-bench-busybox:restart';
    await buildBusyboxImage(dockerd.host, { tag: image });
    for (const [index, service] of services.entries()) {
      const dependsOn = index === 0 ? [] : [services[index - 1] as string];
      await createServiceContainer(dockerd.host, {
        project,
        service,
        image,
        init: true,
        dependsOn,
      });
    }
    const config = path.join(folder, 'wr.config.json');
    await writeFile(config, JSON.stringify({ project, docker: { host: dockerd.host } }));

    process.env.BENCH_SOCKET = dockerd.socketPath;
    const wr = [path.join(root, 'bin/wr'), '--config', config, 'restart', '--all', '--no-wait'];
    const medians = timeCommands(
      [
        {
          name: 'baseline',
          argv: [process.execPath, '--input-type=module', '-e', baselineScript],
          cwd: root,
        },
        {
          name: 'wr',
          argv: [process.execPath, ...wr, '--stop-timeout', '1s', '--lock-dir', folder],
          cwd: root,
        },
      ],
      rounds,
    );
    const baselineMs = medians.baseline as number;
    const wrMs = medians.wr as number;
    return {
      baselineMs,
      wrMs,
      ratio: wrMs / baselineMs,
      rounds,
      storageDriver: dockerd.storageDriver,
    };
  } finally {
    await dockerd.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchRestart(), null, 2));
}
