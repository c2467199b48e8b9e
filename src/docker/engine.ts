import Dockerode from 'dockerode';
import { callEngine, defaultCallTimeoutMs, type CallContext } from './call.js';
import { statusCode } from './errors.js';
import { runExec } from './exec.js';
import { parseEngineHost } from './host.js';
import { containerEvents } from './events.js';
import { startContainer, stopContainer, toContainerStatus } from './lifecycle.js';
import { tailLogs } from './logs.js';
import { compareContainers, projectLabel, toContainerInfo } from './inspect.js';
import { memoryFromStats, type RawMemoryStats } from './stats.js';
import type { ContainerInfo, ContainerStatus, DockerEngine, EngineCallOptions } from './types.js';

export interface DockerEngineOptions {
  /** Limit of each engine call, in milliseconds (default 5 s). */
  timeoutMs?: number;
}

/** Returns a getter that creates one engine client on first use and then shares it. */
export function lazyDockerEngine(host: string): () => DockerEngine {
  let engine: DockerEngine | undefined;
  return () => (engine ??= createDockerEngine(host));
}

/**
 * Creates the engine client for `host` (`unix:///path` or `tcp://host:port`).
 * Nothing connects until the first call.
 */
export function createDockerEngine(host: string, options: DockerEngineOptions = {}): DockerEngine {
  const docker = connect(host);
  const context: CallContext = { host, timeoutMs: options.timeoutMs ?? defaultCallTimeoutMs };

  const inspectAll = async (ids: string[], signal: AbortSignal | undefined) => {
    const infos = await Promise.all(ids.map((id) => inspectIfPresent(docker, context, id, signal)));
    return infos.filter((info): info is ContainerInfo => info !== null).sort(compareContainers);
  };

  return {
    version: async ({ signal }: EngineCallOptions = {}) => {
      const response = await callEngine(context, 'version', signal, (abortSignal) =>
        (docker.version as (options: object) => Promise<Dockerode.DockerVersion>)({ abortSignal }),
      );
      return { version: response.Version, apiVersion: response.ApiVersion };
    },

    listProjectContainers: async (project, { signal }: EngineCallOptions = {}) => {
      const filters = { label: [`${projectLabel}=${project}`] };
      const summaries = await callEngine(context, 'list containers', signal, (abortSignal) =>
        docker.listContainers({ all: true, filters, abortSignal }),
      );
      return inspectAll(
        summaries.map((summary) => summary.Id),
        signal,
      );
    },

    // NOTE: dockerd 20.10 sends a one-shot stats response at its next 1 s
    // collection tick (measured), so one call can take up to about 1 s.
    containerMemory: async (id, { signal }: EngineCallOptions = {}) => {
      const stats = await callEngine(context, `stats of container ${id}`, signal, (abortSignal) =>
        docker
          .getContainer(id)
          .stats({ stream: false, 'one-shot': true, abortSignal } as { stream: false }),
      );
      return memoryFromStats(stats.memory_stats as RawMemoryStats | undefined);
    },

    exec: async (id, command, { signal }: EngineCallOptions = {}) =>
      callEngine(context, `exec in container ${id}`, signal, (abortSignal) =>
        runExec(docker, id, command, abortSignal),
      ),

    runningHostnames: async ({ signal }: EngineCallOptions = {}) => {
      const filters = { status: ['running'] };
      const summaries = await callEngine(context, 'list containers', signal, (abortSignal) =>
        docker.listContainers({ filters, abortSignal }),
      );
      const infos = await inspectAll(
        summaries.map((summary) => summary.Id),
        signal,
      );
      return new Map(infos.map((info) => [info.hostname, info]));
    },

    ...lifecycleOperations(docker, context),
  };
}

type LifecycleOperations = Pick<
  DockerEngine,
  'stopContainer' | 'startContainer' | 'containerStatus' | 'containerLogs' | 'containerEvents'
>;

function lifecycleOperations(docker: Dockerode, context: CallContext): LifecycleOperations {
  return {
    stopContainer: async (id, timeoutSeconds, { signal }: EngineCallOptions = {}) => {
      const stopContext = { ...context, timeoutMs: context.timeoutMs + timeoutSeconds * 1000 };
      return callEngine(stopContext, `stop container ${id}`, signal, (abortSignal) =>
        stopContainer(docker, id, timeoutSeconds, abortSignal),
      );
    },

    startContainer: async (id, { signal }: EngineCallOptions = {}) =>
      callEngine(context, `start container ${id}`, signal, (abortSignal) =>
        startContainer(docker, id, abortSignal),
      ),

    containerStatus: async (id, { signal }: EngineCallOptions = {}) => {
      try {
        return await callEngine(context, `inspect container ${id}`, signal, async (abortSignal) =>
          toContainerStatus(await docker.getContainer(id).inspect({ abortSignal })),
        );
      } catch (error) {
        if (statusCode((error as Error).cause) === 404) return null as ContainerStatus | null;
        throw error;
      }
    },

    containerLogs: async (id, lines, { signal }: EngineCallOptions = {}) =>
      callEngine(context, `logs of container ${id}`, signal, async (abortSignal) => {
        const inspect = await docker.getContainer(id).inspect({ abortSignal });
        return tailLogs(docker, id, lines, inspect.Config?.Tty === true, abortSignal);
      }),

    containerEvents: (ids, { signal, since }) => containerEvents(docker, ids, signal, since),
  };
}

function connect(host: string): Dockerode {
  const address = parseEngineHost(host);
  // dockerode merges DOCKER_HOST, DOCKER_CERT_PATH and friends from the
  // environment into its options; the keys set to undefined here keep the
  // configured address authoritative.
  const tls = { ca: undefined, cert: undefined, key: undefined };
  if (address.kind === 'unix') {
    return new Dockerode({
      socketPath: address.socketPath,
      host: undefined,
      port: undefined,
      protocol: 'http',
      ...tls,
    });
  }
  // NOTE: tcp:// is plain HTTP; an engine that requires TLS (port 2376) is not supported yet.
  return new Dockerode({
    host: address.host,
    port: address.port,
    protocol: 'http',
    socketPath: undefined,
    ...tls,
  });
}

/** Inspects one container; null when it was removed since it was listed. */
async function inspectIfPresent(
  docker: Dockerode,
  context: CallContext,
  id: string,
  signal: AbortSignal | undefined,
): Promise<ContainerInfo | null> {
  try {
    const inspect = await callEngine(context, `inspect container ${id}`, signal, (abortSignal) =>
      docker.getContainer(id).inspect({ abortSignal }),
    );
    return toContainerInfo(inspect);
  } catch (error) {
    if (statusCode((error as Error).cause) === 404) return null;
    throw error;
  }
}
