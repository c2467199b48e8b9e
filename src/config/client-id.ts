import type { Config, ConnectionConfig } from './schema.js';

/** The LocalAuth clientId of a connection, from `clientIdPattern`. */
export function clientIdOf(config: Pick<Config, 'clientIdPattern'>, id: string): string {
  return config.clientIdPattern.replace('{id}', id);
}

/** The credentials folder name LocalAuth uses for a clientId. */
export function sessionFolderName(clientId: string): string {
  return `session-${clientId}`;
}

/** Finds the configured connection whose clientId is `clientId`. */
export function connectionOfClientId(
  config: Pick<Config, 'clientIdPattern' | 'connections'>,
  clientId: string,
): ConnectionConfig | undefined {
  return config.connections.find((connection) => clientIdOf(config, connection.id) === clientId);
}
