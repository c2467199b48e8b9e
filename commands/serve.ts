import type { CommandResult } from '../src/command.js';
import type { Config } from '../src/config/schema.js';
import type { Context } from '../src/context.js';
import { createServeLogger } from '../src/control/logger.js';
import { startControlServer } from '../src/control/server.js';
import type { ConnectionSnapshot } from '../src/core/types.js';
import { ExitCode, usageError } from '../src/errors.js';
import { plural } from '../src/output/format.js';

export interface ServeOptions {
  /** `host:port` of an extra TCP listener for the control API. */
  listen?: string;
}

export interface ServeSummary {
  socket: string;
  /** State of each connection after the stop. */
  connections: Array<Pick<ConnectionSnapshot, 'id' | 'state' | 'browserPid'>>;
}

/**
 * Runs the connection host in the foreground: the control API first, so a
 * second host on the same socket stops before it launches any browser, then
 * every configured connection. Returns once `context.signal` is aborted
 * (SIGTERM or Ctrl-C) and every browser has been stopped.
 */
export async function run(
  options: ServeOptions,
  context: Context,
): Promise<CommandResult<ServeSummary>> {
  const { config } = context.config();
  const credentialsDir = requireCredentials(config);
  const tcp = parseListen(options.listen, config.control.token);
  const logger = createServeLogger(
    context.streams.stderr,
    context.output.verbose ? 'debug' : 'info',
  );

  const { ConnectionPool, loadProfile } = await import('../src/core/index.js');
  // A profile that does not load would leave its connection FAILED behind a
  // host that looks healthy, so such a config stops here with exit code 2.
  for (const connection of config.connections) await loadProfile(config, connection.profile);
  const pool = new ConnectionPool({ config, credentialsDir, logger, procRoot: context.procRoot });
  const socketPath = config.control.socket;
  const server = await startControlServer({ pool, socketPath, tcp, logger });
  const tcpAddress = server.tcpAddress
    ? `${server.tcpAddress.address}:${server.tcpAddress.port}`
    : null;
  logger.info({ socket: socketPath, tcp: tcpAddress, credentialsDir }, 'control API listening');

  const ids = config.connections.map((connection) => connection.id);
  logger.info({ connections: ids }, `starting ${plural(ids.length, 'connection')}`);
  const started = pool.startAll().catch((error: unknown) => {
    logger.error({ err: error }, 'starting the connections failed');
  });

  // whatsapp-web.js re-injects its code on every navigation without catching
  // errors, so a browser closing mid-inject leaves an unhandled rejection.
  // A long-running host logs it instead of crashing.
  const onUnhandled = (reason: unknown) =>
    logger.error({ err: reason }, 'unhandled rejection (logged, host keeps running)');
  process.on('unhandledRejection', onUnhandled);

  await aborted(context.signal);
  process.off('unhandledRejection', onUnhandled);
  logger.info({}, 'stopping: closing the control API and every connection');
  await server.close();
  // stopAll cancels starts still launching, so it need not wait for them.
  const stopped = await pool.stopAll();
  await started;
  logger.info({ connections: ids }, 'stopped');

  const connections = stopped.map(({ id, state, browserPid }) => ({ id, state, browserPid }));
  return {
    data: { socket: socketPath, connections },
    exitCode: ExitCode.ok,
    endsOnSignal: true,
    view: () => '',
  };
}

function requireCredentials(config: Config): string {
  if (config.paths.credentials) return config.paths.credentials;
  throw usageError(
    'CONFIG_INVALID',
    'paths.credentials is not set, so wr serve does not know where the sessions live',
    'set paths.credentials in wr.config.json (or WR_PATHS_CREDENTIALS) to the LocalAuth data folder',
  );
}

function parseListen(
  listen: string | undefined,
  token: string | null,
): { host: string; port: number; token: string } | undefined {
  if (listen === undefined) return undefined;
  const match = /^(.+):(\d{1,5})$/.exec(listen);
  const port = Number(match?.[2]);
  if (!match || port > 65_535) {
    throw usageError('USAGE', `--listen "${listen}": expected host:port, such as 127.0.0.1:7380`);
  }
  if (!token) {
    throw usageError(
      'USAGE',
      `--listen ${listen} needs a bearer token, and control.token is not set`,
      'set control.token in wr.config.json or WR_CONTROL_TOKEN, then rerun',
    );
  }
  return { host: (match[1] as string).replace(/^\[(.*)\]$/, '$1'), port, token };
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
}
