// Servers on 127.0.0.1 for the socket-service check: real socket.io 4 and 2 servers, a
// round-robin proxy in front of several instances, and servers that refuse, hang or respond
// with an error page. Each start function returns a handle whose close() leaves nothing open.
import type { LookupFunction } from 'node:net';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { createRequire } from 'node:module';
import { Server as SocketIoServer } from 'socket.io';

export interface TestServer {
  /** Base URL such as http://127.0.0.1:40123, without a trailing slash. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export type SocketIoKind = 'v4' | 'v4-eio3' | 'v4-websocket' | 'v2';

/** The part of a socket.io 2 server the harness uses; the package has no types of its own. */
interface SocketIoV2Server {
  close(callback?: () => void): void;
}
const require = createRequire(import.meta.url);

/** Loads socket.io 2 from its package alias, naming the fix when it is not installed. */
function loadSocketIoV2(): (server: http.Server) => SocketIoV2Server {
  try {
    return require('socket.io-v2') as (server: http.Server) => SocketIoV2Server;
  } catch (error) {
    throw new Error(
      `socket.io 2 is missing (${(error as Error).message}): install it with npm install --save-dev socket.io-v2@npm:socket.io@^2.5.1`,
    );
  }
}

/**
 * Starts a socket.io server: version 4 (engine.io 4), version 4 with
 * `allowEIO3: true`, version 4 with `transports: ['websocket']`, or version 2
 * (engine.io 3, from the `socket.io-v2` alias).
 * Pass an HTTPS server to serve it over TLS.
 */
export async function startSocketIoServer(
  kind: SocketIoKind,
  server: http.Server | https.Server = http.createServer(notFound),
): Promise<TestServer> {
  const sockets = trackSockets(server);
  const io =
    kind === 'v2'
      ? loadSocketIoV2()(server)
      : new SocketIoServer(server, {
          allowEIO3: kind === 'v4-eio3',
          transports: kind === 'v4-websocket' ? ['websocket'] : ['polling', 'websocket'],
        });
  const port = await listen(server);
  const scheme = server instanceof https.Server ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        // Both versions close the HTTP server too and call back once it has stopped.
        io.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Responds 404 to requests outside the socket.io path, as the application around it would. */
export function notFound(_request: http.IncomingMessage, response: http.ServerResponse): void {
  response.writeHead(404, { 'Content-Type': 'text/plain' });
  response.end('Not Found');
}

export interface ProxyServer extends TestServer {
  /** Index of the instance that served each request, in order, upgrades included. */
  routes: number[];
}

/** Cookie the proxy sets when it keeps a client on one instance, like a load balancer's. */
export const affinityCookie = 'wr-instance';

/**
 * Starts an HTTP proxy that spreads requests over `targets` (ports on
 * 127.0.0.1) in turn, websocket upgrades included. With `affinity`, it sets a
 * cookie on the first response and sends later requests carrying it to the same
 * instance. Without it, one client's requests land on different instances. With
 * `upgrades: false` it rejects websocket upgrades with 400, as a proxy that
 * does not pass the Upgrade header would.
 */
export async function startRoundRobinProxy(
  targets: number[],
  options: { affinity: boolean; upgrades?: boolean },
): Promise<ProxyServer> {
  const routes: number[] = [];
  let next = 0;
  const pick = (request: http.IncomingMessage): number => {
    const pinned = options.affinity ? cookieInstance(request, targets.length) : undefined;
    const index = pinned ?? next++ % targets.length;
    routes.push(index);
    return index;
  };

  const server = http.createServer((request, response) => {
    const index = pick(request);
    forwardRequest(request, response, targets[index] as number, options.affinity ? index : null);
  });
  server.on('upgrade', (request: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    if (options.upgrades === false) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    forwardUpgrade(request, socket, head, targets[pick(request)] as number);
  });
  const handle = await startTracked(server);
  return { ...handle, routes };
}

function cookieInstance(request: http.IncomingMessage, count: number): number | undefined {
  const match = new RegExp(`(?:^|;\\s*)${affinityCookie}=(\\d+)`).exec(
    request.headers.cookie ?? '',
  );
  const index = match ? Number(match[1]) : NaN;
  return Number.isInteger(index) && index < count ? index : undefined;
}

function forwardRequest(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  port: number,
  pinIndex: number | null,
): void {
  const upstream = http.request(
    {
      host: '127.0.0.1',
      port,
      method: request.method,
      path: request.url,
      headers: request.headers,
      agent: false,
    },
    (upstreamResponse) => {
      const headers = { ...upstreamResponse.headers };
      if (pinIndex !== null && cookieInstance(request, Number.MAX_SAFE_INTEGER) === undefined) {
        headers['set-cookie'] = [
          ...(headers['set-cookie'] ?? []),
          `${affinityCookie}=${pinIndex}; Path=/`,
        ];
      }
      response.writeHead(upstreamResponse.statusCode ?? 502, headers);
      upstreamResponse.pipe(response);
    },
  );
  upstream.on('error', () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  request.pipe(upstream);
}

function forwardUpgrade(
  request: http.IncomingMessage,
  socket: net.Socket,
  head: Buffer,
  port: number,
): void {
  const upstream = net.connect(port, '127.0.0.1', () => {
    const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    upstream.write(head);
    socket.pipe(upstream).pipe(socket);
  });
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
  socket.on('close', () => upstream.destroy());
}

/** Returns a port on 127.0.0.1 that refuses connections: bound once, then released. */
export async function refusingPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a server that accepts connections and never sends a byte. */
export async function startSilentServer(): Promise<TestServer> {
  return startTracked(net.createServer(() => undefined));
}

/** Starts an HTTP server responding to every request with `status`, `headers` and an HTML page. */
export async function startStatusServer(
  status: number,
  page: string,
  headers: Record<string, string> = {},
): Promise<TestServer> {
  const server = http.createServer((_request, response) => {
    response.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
    response.end(page);
  });
  return startTracked(server);
}

/** Returns a lookup function that fails every name with `code`, as getaddrinfo would; no resolver is asked. */
export function failingLookup(code = 'ENOTFOUND'): typeof import('node:dns').lookup {
  const lookup: LookupFunction = (hostname, _options, callback) => {
    const error = Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), {
      code,
      syscall: 'getaddrinfo',
      hostname,
    });
    process.nextTick(() => callback(error, ''));
  };
  return lookup as unknown as typeof import('node:dns').lookup;
}

/** Returns a lookup function that resolves the given names to 127.0.0.1 and fails any other with ENOTFOUND. */
export function localLookup(names: string[]): typeof import('node:dns').lookup {
  const failing = failingLookup() as unknown as LookupFunction;
  const lookup: LookupFunction = (hostname, options, callback) => {
    if (!names.includes(hostname)) return failing(hostname, options, callback);
    process.nextTick(() => {
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    });
  };
  return lookup as unknown as typeof import('node:dns').lookup;
}

/** Listens on an ephemeral port of 127.0.0.1 and returns the port. */
export async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

/** Records the open sockets of a server, so close() can end them. */
export function trackSockets(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  // For an HTTPS server, 'connection' gives the TCP socket under each TLS socket.
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** Listens and returns a handle whose close() destroys open connections, then stops the server. */
export async function startTracked(server: net.Server, scheme = 'http'): Promise<TestServer> {
  const sockets = trackSockets(server);
  const port = await listen(server);
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
