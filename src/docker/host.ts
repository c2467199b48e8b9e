import { usageError } from '../errors.js';

/** Address of an engine: a Unix socket, or a TCP host and port (plain HTTP). */
export type EngineAddress =
  { kind: 'unix'; socketPath: string } | { kind: 'tcp'; host: string; port: number };

/**
 * Parses `docker.host` as Docker clients write it: `unix:///path`,
 * `tcp://host:port`, or a bare absolute socket path.
 */
export function parseEngineHost(host: string): EngineAddress {
  if (host.startsWith('/')) return { kind: 'unix', socketPath: host };
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (socketPath.startsWith('/')) return { kind: 'unix', socketPath };
  }
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(host);
  if (tcp) {
    const port = Number(tcp[2]);
    if (port > 0 && port < 65536) {
      return { kind: 'tcp', host: (tcp[1] as string).replace(/^\[(.*)\]$/, '$1'), port };
    }
  }
  throw usageError(
    'CONFIG_INVALID',
    `docker.host "${host}": expected unix:///path/to/docker.sock or tcp://host:port`,
    'fix docker.host in wr.config.json, WR_DOCKER_HOST or DOCKER_HOST',
  );
}
