import type { ConnectionSnapshot } from '../../src/core/types.js';
import type { ContainerInfo } from '../../src/docker/types.js';

/** Builds the snapshot of an idle CONNECTED connection `id` with nothing measured, changed by `fields`. */
export function connectionSnapshot(
  id: string,
  fields: Partial<ConnectionSnapshot> = {},
): ConnectionSnapshot {
  return {
    id,
    name: null,
    clientId: id,
    profile: 'default',
    state: 'CONNECTED',
    reason: null,
    qr: null,
    browserPid: null,
    memory: null,
    startedAt: null,
    readyAt: null,
    uptimeSeconds: null,
    webVersion: null,
    missedProbes: 0,
    busy: false,
    paused: false,
    ...fields,
  };
}

/** Builds a running container `shop-<service>-1` of the compose project "shop", changed by `fields`. */
export function containerInfo(service: string, fields: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id: service,
    name: `shop-${service}-1`,
    service,
    state: 'running',
    health: null,
    startedAt: null,
    restartCount: 0,
    pid: null,
    hostname: '',
    init: true,
    memoryLimitBytes: null,
    mounts: [],
    labels: {},
    ...fields,
  };
}
