import type Dockerode from 'dockerode';
import type { ContainerInfo, MountInfo } from './types.js';

export const projectLabel = 'com.docker.compose.project';
export const serviceLabel = 'com.docker.compose.service';

/** The engine's zero time, which `StartedAt` holds for a container never started. */
const zeroTime = '0001-01-01T00:00:00Z';

/** Maps the engine's inspect response to the fields `wr` uses. */
export function toContainerInfo(inspect: Dockerode.ContainerInspectInfo): ContainerInfo {
  const labels = inspect.Config?.Labels ?? {};
  const name = inspect.Name.replace(/^\//, '');
  const state = inspect.State;
  return {
    id: inspect.Id,
    name,
    service: labels[serviceLabel] ?? name,
    state: state.Status,
    health: state.Health?.Status ?? null,
    startedAt: parseStartedAt(state.StartedAt),
    restartCount: inspect.RestartCount ?? 0,
    pid: state.Pid > 0 ? state.Pid : null,
    hostname: inspect.Config?.Hostname ?? '',
    init: inspect.HostConfig?.Init === true,
    memoryLimitBytes: inspect.HostConfig?.Memory ? inspect.HostConfig.Memory : null,
    mounts: (inspect.Mounts ?? []).map(toMountInfo),
    labels,
  };
}

function toMountInfo(mount: Dockerode.ContainerInspectInfo['Mounts'][number]): MountInfo {
  return {
    source: mount.Source,
    destination: mount.Destination,
    type: mount.Type,
    readOnly: !mount.RW,
  };
}

function parseStartedAt(text: string | undefined): Date | null {
  if (!text || text.startsWith(zeroTime.slice(0, 10))) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Orders containers by service, then name, so reports are stable between runs. */
export function compareContainers(a: ContainerInfo, b: ContainerInfo): number {
  return a.service.localeCompare(b.service) || a.name.localeCompare(b.name);
}
