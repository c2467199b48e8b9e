import type { Config } from '../config/schema.js';
import { usageError, WrError } from '../errors.js';
import { Connection } from './connection.js';
import { errorFields, type Logger } from './logger.js';
import { loadProfile } from './profiles.js';
import type { ConnectionTiming } from './timing.js';
import type { ConnectionEvent, ConnectionSnapshot, PoolControl } from './types.js';

export interface PoolOptions {
  config: Config;
  /** LocalAuth dataPath for every connection; `paths.credentials` when left out. */
  credentialsDir?: string;
  logger: Logger;
  timing?: Partial<ConnectionTiming>;
  procRoot?: string;
}

/**
 * The connections of one host, one per configured connection. Operations on
 * a connection are single-flight (see Connection), and the pool resets a
 * connection whose page stops responding to the liveness probe.
 */
export class ConnectionPool implements PoolControl {
  private readonly connections = new Map<string, Connection>();
  private readonly logger: Logger;

  constructor(private readonly options: PoolOptions) {
    this.logger = options.logger;
    const credentialsDir = options.credentialsDir ?? options.config.paths.credentials;
    if (credentialsDir === undefined) {
      throw usageError(
        'CREDENTIALS_PATH_MISSING',
        'paths.credentials is not set: the connection core needs the LocalAuth folder',
        'set paths.credentials in wr.config.json, such as "/srv/whatrestaurant/backend/.wwebjs_auth"',
      );
    }
    for (const entry of options.config.connections) {
      const connection = new Connection({
        config: options.config,
        connection: entry,
        credentialsDir,
        logger: options.logger,
        timing: options.timing,
        procRoot: options.procRoot,
      });
      connection.on('frozen', () => this.resetFrozen(connection));
      this.connections.set(entry.id, connection);
    }
  }

  list(): ConnectionSnapshot[] {
    return [...this.connections.values()].map((connection) => connection.snapshot());
  }

  get(id: string): ConnectionSnapshot | undefined {
    return this.connections.get(id)?.snapshot();
  }

  /** Returns the Connection of `id`, for hosts and tests that need more than snapshots. */
  connection(id: string): Connection {
    const connection = this.connections.get(id);
    if (!connection) {
      const known = [...this.connections.keys()].join(', ') || 'none';
      throw new WrError(
        'CONNECTION_NOT_FOUND',
        `connection ${id} not found (configured: ${known})`,
        {
          hint: 'run wr connection list, or add the connection to wr.config.json',
        },
      );
    }
    return connection;
  }

  reset(id: string, options: { logout?: boolean } = {}): Promise<ConnectionSnapshot> {
    return this.connection(id).reset(options);
  }

  start(id: string): Promise<ConnectionSnapshot> {
    return this.connection(id).start();
  }

  stop(id: string): Promise<ConnectionSnapshot> {
    return this.connection(id).stop();
  }

  /** Changes the profile after checking that it loads; it applies at the next start. */
  async update(id: string, changes: { profile?: string }): Promise<ConnectionSnapshot> {
    const connection = this.connection(id);
    if (changes.profile !== undefined) {
      await loadProfile(this.options.config, changes.profile);
      connection.setProfile(changes.profile);
    }
    return connection.snapshot();
  }

  subscribe(id: string, listener: (event: ConnectionEvent) => void): () => void {
    const connection = this.connection(id);
    connection.on('event', listener);
    return () => connection.off('event', listener);
  }

  /**
   * Starts every connection concurrently. A connection that fails to start is
   * logged and left FAILED; the others run.
   */
  async startAll(): Promise<ConnectionSnapshot[]> {
    const connections = [...this.connections.values()];
    await Promise.allSettled(connections.map((connection) => connection.start()));
    return this.list();
  }

  /** Stops every connection and waits until none of their browsers runs. */
  async stopAll(): Promise<ConnectionSnapshot[]> {
    const connections = [...this.connections.values()];
    const results = await Promise.allSettled(connections.map((connection) => connection.stop()));
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.error(errorFields(result.reason), 'stop failed');
      }
    }
    return this.list();
  }

  private resetFrozen(connection: Connection): void {
    this.logger.warn({ connection: connection.id }, 'resetting connection with a frozen page');
    connection.reset().catch((error: unknown) => {
      this.logger.error(
        { connection: connection.id, ...errorFields(error) },
        'reset of a frozen page failed',
      );
    });
  }
}
