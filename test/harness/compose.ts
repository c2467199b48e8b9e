import { createHash } from 'node:crypto';
import Dockerode from 'dockerode';

/** A service container to create the way `docker compose up` (v2) would. */
export interface ServiceContainerSpec {
  project: string;
  service: string;
  image: string;
  /** Replica number, in the container name and the container-number label (default 1). */
  number?: number;
  command?: string[];
  hostname?: string;
  /** `init: true` in a compose file: the engine runs docker-init as the first process. */
  init?: boolean;
  healthcheck?: {
    test: string[];
    intervalMs?: number;
    timeoutMs?: number;
    retries?: number;
    startPeriodMs?: number;
  };
  /** `host-path:container-path[:ro]` entries. */
  binds?: string[];
  restart?: { name: 'no' | 'always' | 'on-failure' | 'unless-stopped'; maximumRetryCount?: number };
  /** Services this one depends on, written as compose v2 writes depends_on. */
  dependsOn?: string[];
  workingDir?: string;
  memoryLimitBytes?: number;
  /** Start the container after creating it (default true). */
  start?: boolean;
}

const milliseconds = 1_000_000;

/**
 * Returns the host of this test run's private dockerd, or throws why it did
 * not start. vitest is imported here only, so the sandbox can use the rest of
 * this module outside a test run.
 */
export async function requireDockerHost(): Promise<string> {
  const { inject } = await import('vitest');
  const host = inject('dockerHost');
  if (host) return host;
  throw new Error(
    `the private dockerd of this test run did not start: ${inject('dockerError') ?? 'unknown reason'}`,
  );
}

/** Connects dockerode to a `unix://` host from the private dockerd. */
export function dockerClient(host: string): Dockerode {
  return new Dockerode({ socketPath: host.replace(/^unix:\/\//, '') });
}

/**
 * Creates (and by default starts) a container named and labelled like one of
 * a compose v2 project: `<project>-<service>-<number>` with the
 * com.docker.compose.* labels. Networking is "none" because the private
 * dockerd has no bridge. Returns the container id.
 */
export async function createServiceContainer(
  host: string,
  spec: ServiceContainerSpec,
): Promise<string> {
  const docker = dockerClient(host);
  const number = spec.number ?? 1;
  const container = await docker.createContainer({
    name: `${spec.project}-${spec.service}-${number}`,
    Image: spec.image,
    Cmd: spec.command ?? ['sleep', '3600'],
    Hostname: spec.hostname,
    Labels: composeLabels(spec, number),
    Healthcheck: spec.healthcheck && {
      Test: ['CMD', ...spec.healthcheck.test],
      Interval: (spec.healthcheck.intervalMs ?? 1000) * milliseconds,
      Timeout: (spec.healthcheck.timeoutMs ?? 1000) * milliseconds,
      Retries: spec.healthcheck.retries ?? 1,
      StartPeriod: (spec.healthcheck.startPeriodMs ?? 0) * milliseconds,
    },
    HostConfig: {
      Init: spec.init ?? false,
      Binds: spec.binds,
      NetworkMode: 'none',
      RestartPolicy: spec.restart && {
        Name: spec.restart.name,
        MaximumRetryCount: spec.restart.maximumRetryCount,
      },
      Memory: spec.memoryLimitBytes,
    },
  });
  if (spec.start ?? true) await container.start();
  return container.id;
}

function composeLabels(spec: ServiceContainerSpec, number: number): Record<string, string> {
  const workingDir = spec.workingDir ?? `/srv/${spec.project}`;
  const configHash = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
  return {
    'com.docker.compose.project': spec.project,
    'com.docker.compose.service': spec.service,
    'com.docker.compose.container-number': String(number),
    'com.docker.compose.depends_on': (spec.dependsOn ?? [])
      .map((service) => `${service}:service_started:false`)
      .join(','),
    'com.docker.compose.oneoff': 'False',
    'com.docker.compose.config-hash': configHash,
    'com.docker.compose.project.working_dir': workingDir,
    'com.docker.compose.project.config_files': `${workingDir}/docker-compose.yml`,
    'com.docker.compose.image': spec.image,
    'com.docker.compose.version': '2.24.6',
  };
}

/** Stops containers, waiting at most `timeoutSeconds` before the engine kills them. */
export async function stopContainers(
  host: string,
  ids: string[],
  timeoutSeconds = 1,
): Promise<void> {
  const docker = dockerClient(host);
  await Promise.all(
    ids.map((id) =>
      docker
        .getContainer(id)
        .stop({ t: timeoutSeconds })
        .catch((error: { statusCode?: number }) => {
          // 304: already stopped.
          if (error.statusCode !== 304) throw error;
        }),
    ),
  );
}

/** Removes containers, running or not. */
export async function removeContainers(host: string, ids: string[]): Promise<void> {
  const docker = dockerClient(host);
  await Promise.all(ids.map((id) => docker.getContainer(id).remove({ force: true, v: true })));
}

/** Removes every container of a compose project; tests call it in afterAll. */
export async function removeProject(host: string, project: string): Promise<void> {
  const docker = dockerClient(host);
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`com.docker.compose.project=${project}`] },
  });
  await removeContainers(
    host,
    containers.map((container) => container.Id),
  );
}

/** Returns a project name no other test uses, so tests can share one dockerd. */
export function uniqueProject(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Waits until `predicate` is true for the container's inspect response, or throws after timeoutMs. */
export async function waitForContainer(
  host: string,
  id: string,
  predicate: (inspect: Dockerode.ContainerInspectInfo) => boolean,
  timeoutMs = 15_000,
): Promise<Dockerode.ContainerInspectInfo> {
  const docker = dockerClient(host);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const inspect = await docker.getContainer(id).inspect();
    if (predicate(inspect)) return inspect;
    if (Date.now() > deadline) {
      throw new Error(
        `container ${inspect.Name} did not reach the expected state within ${timeoutMs} ms: ` +
          `${inspect.State.Status}, health ${inspect.State.Health?.Status ?? 'none'}, ` +
          `${inspect.RestartCount} restarts`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
