/**
 * Environment variables that override keys of the config file. Each maps to
 * a dotted key; numbers are parsed so that the schema can check their range.
 */
export const envOverrides: ReadonlyArray<{ name: string; key: string; type: 'string' | 'number' }> =
  [
    { name: 'WR_PROJECT', key: 'project', type: 'string' },
    { name: 'WR_DOCKER_HOST', key: 'docker.host', type: 'string' },
    { name: 'WR_PATHS_PUBLIC', key: 'paths.public', type: 'string' },
    { name: 'WR_PATHS_CREDENTIALS', key: 'paths.credentials', type: 'string' },
    { name: 'WR_PATHS_APP', key: 'paths.app', type: 'string' },
    { name: 'WR_CLIENT_ID_PATTERN', key: 'clientIdPattern', type: 'string' },
    { name: 'WR_BACKEND_SERVICE', key: 'backendService', type: 'string' },
    { name: 'WR_PROFILES_DIR', key: 'profilesDir', type: 'string' },
    { name: 'WR_CHROMIUM_PATH', key: 'chromium.executablePath', type: 'string' },
    { name: 'WR_CONTROL_SOCKET', key: 'control.socket', type: 'string' },
    { name: 'WR_CONTROL_URL', key: 'control.url', type: 'string' },
    { name: 'WR_CONTROL_TOKEN', key: 'control.token', type: 'string' },
    { name: 'WR_SOCKET_SERVICE_URL', key: 'socketService.url', type: 'string' },
    { name: 'WR_SOCKET_SERVICE_PATH', key: 'socketService.path', type: 'string' },
    { name: 'WR_NPM_REGISTRY', key: 'npmRegistry', type: 'string' },
    { name: 'WR_RAM_PERCENT', key: 'thresholds.ramPercent', type: 'number' },
    { name: 'WR_DISK_FREE_PERCENT', key: 'thresholds.diskFreePercent', type: 'number' },
    { name: 'WR_UPTIME', key: 'thresholds.uptime', type: 'string' },
  ];

/** Sets `value` at a dotted key of a plain object, creating objects on the way. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}
