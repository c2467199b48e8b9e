/** Where `public` and the credentials folder are, and how `wr` learned each. */
export interface ResolvedPaths {
  public: ResolvedPath | null;
  credentials: ResolvedPath | null;
  /** Why a path could not be resolved, for the checks to report. */
  problems: string[];
}

export interface ResolvedPath {
  path: string;
  /** "config", or a sentence such as "mount /usr/src/app/public of container whatrestaurant-backend-1". */
  source: string;
}

import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { ContainerInfo, DockerEngine } from '../docker/types.js';

/** A folder inside the backend container holding LocalAuth sessions. */
const credentialsDestination = /\/\.wwebjs_auth\/?$/;
const publicDestination = /\/public\/?$/;

/**
 * Resolves `paths.public` and `paths.credentials`: from the config when it
 * sets them, else from the mounts of the backend service's container, since a
 * Whaticket-style backend bind-mounts both.
 */
export async function resolvePaths(
  config: Config,
  docker: () => DockerEngine,
): Promise<ResolvedPaths> {
  const result: ResolvedPaths = {
    public: config.paths.public ? { path: config.paths.public, source: 'config' } : null,
    credentials: config.paths.credentials
      ? { path: config.paths.credentials, source: 'config' }
      : null,
    problems: [],
  };
  if (result.public && result.credentials) return result;

  const backend = await findBackend(config, docker, result.problems);
  if (!backend) return result;
  result.public ??= fromMount(backend, publicDestination, 'paths.public', result.problems);
  result.credentials ??= fromMount(
    backend,
    credentialsDestination,
    'paths.credentials',
    result.problems,
  );
  return result;
}

async function findBackend(
  config: Config,
  docker: () => DockerEngine,
  problems: string[],
): Promise<ContainerInfo | undefined> {
  if (!config.project) {
    problems.push(
      'paths are not in the config and "project" is not set, so no container to read them from',
    );
    return undefined;
  }
  try {
    const containers = await docker().listProjectContainers(config.project);
    const backends = containers.filter((container) => container.service === config.backendService);
    const backend = backends.find((container) => container.state === 'running') ?? backends[0];
    if (!backend) {
      problems.push(
        `no container of service "${config.backendService}" in compose project "${config.project}" to read paths from`,
      );
    }
    return backend;
  } catch (error) {
    problems.push(`cannot read the backend container's mounts: ${(error as Error).message}`);
    return undefined;
  }
}

function fromMount(
  container: ContainerInfo,
  destination: RegExp,
  key: string,
  problems: string[],
): ResolvedPath | null {
  const mount = container.mounts.find((candidate) => destination.test(candidate.destination));
  if (!mount) {
    problems.push(
      `${key} is not in the config and container ${container.name} has no mount matching ${destination.source}`,
    );
    return null;
  }
  return {
    path: path.resolve(mount.source),
    source: `mount ${mount.destination} of container ${container.name}`,
  };
}
