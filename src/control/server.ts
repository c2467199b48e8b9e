import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PoolControl } from '../core/types.js';
import { isAuthorized } from './auth.js';
import { ControlHandlers } from './handlers.js';
import { apiPrefix, ControlError, type ControlLogger, type ErrorBody } from './protocol.js';
import { readJsonBody, requireConnection, toControlError } from './routes.js';
import { listenOnSocket } from './socket-file.js';
import { streamEvents } from './sse.js';

export interface ControlServerOptions {
  pool: PoolControl;
  /** Unix socket to listen on, created with mode 0600. */
  socketPath: string;
  /** Optional TCP listener. Every request on it must carry `Authorization: Bearer <token>`. */
  tcp?: { host: string; port: number; token: string };
  logger?: ControlLogger;
  /** Interval of SSE heartbeat comments in milliseconds, 15 s by default. */
  heartbeatMs?: number;
}

export interface ControlServer {
  socketPath: string;
  /** Address of the TCP listener, when there is one. */
  tcpAddress: AddressInfo | null;
  /** Stops accepting, ends every event stream and closes both listeners. */
  close(): Promise<void>;
}

const silentLogger: ControlLogger = { info() {}, warn() {}, error() {} };

/**
 * Starts the control API of a pool on a Unix socket and, optionally, on a
 * TCP port that requires a bearer token. Raises a WrError when another host
 * already serves the socket.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const streams = new Set<() => void>();
  const handle = createRequestHandler(options, streams);
  const unix = http.createServer((request, response) => handle(request, response, false));
  await listenOnSocket(unix, options.socketPath);

  let tcp: http.Server | undefined;
  if (options.tcp) {
    tcp = http.createServer((request, response) => handle(request, response, true));
    const { host, port } = options.tcp;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp?.once('error', reject).listen(port, host, () => resolve());
      });
    } catch (error) {
      await closeServer(unix);
      throw error;
    }
  }

  return {
    socketPath: options.socketPath,
    tcpAddress: tcp ? (tcp.address() as AddressInfo) : null,
    async close() {
      for (const end of streams) end();
      await Promise.all([closeServer(unix), tcp ? closeServer(tcp) : undefined]);
    },
  };
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

type Handler = (request: IncomingMessage, response: ServerResponse, overTcp: boolean) => void;

interface RequestScope {
  options: ControlServerOptions;
  handlers: ControlHandlers;
  streams: Set<() => void>;
  heartbeatMs: number;
}

function createRequestHandler(options: ControlServerOptions, streams: Set<() => void>): Handler {
  const scope: RequestScope = {
    options,
    handlers: new ControlHandlers(options.pool),
    streams,
    heartbeatMs: options.heartbeatMs ?? 15_000,
  };
  const logger = options.logger ?? silentLogger;

  return (request, response, overTcp) => {
    const requestId = randomUUID().slice(0, 8);
    const url = new URL(request.url ?? '/', 'http://control');
    const segments = url.pathname.split('/').filter(Boolean).map(decodeSegment);
    const method = request.method ?? 'GET';

    respond(scope, request, response, overTcp, segments).catch((error: unknown) => {
      const known = toControlError(error);
      const status = known?.status ?? 500;
      const code = known?.code ?? 'INTERNAL';
      const message = known?.message ?? `internal error: ${(error as Error).message}`;
      const fields = { requestId, method, path: url.pathname, connectionId: segments[2], status };
      if (known) logger.warn({ ...fields, code }, `control request failed: ${message}`);
      else logger.error({ ...fields, err: error }, `control request failed: ${message}`);
      if (response.headersSent) response.end();
      else sendJson(response, status, { error: { code, message } } satisfies ErrorBody);
    });
  };
}

async function respond(
  scope: RequestScope,
  request: IncomingMessage,
  response: ServerResponse,
  overTcp: boolean,
  segments: string[],
): Promise<void> {
  const { options } = scope;
  const method = request.method ?? 'GET';
  const path = `/${segments.join('/')}`;
  if (overTcp && !isAuthorized(request.headers.authorization, options.tcp?.token ?? '')) {
    response.setHeader('www-authenticate', 'Bearer');
    throw new ControlError(401, 'UNAUTHORIZED', 'missing or wrong bearer token');
  }
  if (`/${segments[0]}` !== apiPrefix) throw routeNotFound(method, path);

  const route = segments.slice(1);
  if (route[0] === 'connections' && route[2] === 'events' && route.length === 3) {
    if (method !== 'GET') throw routeNotFound(method, path);
    const snapshot = requireConnection(options.pool, route[1] as string);
    const end = streamEvents(options.pool, snapshot, response, { heartbeatMs: scope.heartbeatMs });
    scope.streams.add(end);
    response.once('close', () => scope.streams.delete(end));
    return;
  }
  const body = () => readJsonBody(request);
  const result = await scope.handlers.handle({ method, segments: route, body });
  if (!result) throw routeNotFound(method, path);
  sendJson(response, result.status, result.body);
}

/** Decodes a percent-encoded path segment. A malformed one is kept as sent and matches no id. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function routeNotFound(method: string, path: string): ControlError {
  return new ControlError(404, 'ROUTE_NOT_FOUND', `no route for ${method} ${path}`);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
