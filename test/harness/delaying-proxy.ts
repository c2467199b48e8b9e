import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A Unix-socket proxy in front of a Docker engine that delays chosen requests. */
export interface DelayingProxy {
  /** The proxy as a docker host, `unix://<socket>`. */
  host: string;
  stop(): Promise<void>;
}

/**
 * Starts a proxy to the engine at `target` (`unix://<socket>`) that delays
 * every request whose request line matches `pattern` by `delayMs`. This lets
 * a test make one kind of engine call slow, whatever the load of the machine.
 */
export async function startDelayingProxy(
  target: string,
  pattern: RegExp,
  delayMs: number,
): Promise<DelayingProxy> {
  const folder = await mkdtemp('/tmp/wr-delay-proxy-');
  const socketPath = path.join(folder, 'docker.sock');
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.replace(/^unix:\/\//, ''));
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    // Chunks go upstream in order, so a delayed request also delays the ones after it.
    let forwarded = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      forwarded = forwarded.then(async () => {
        const requestLine = chunk.toString('latin1').split('\r\n', 1)[0] ?? '';
        if (pattern.test(requestLine)) await sleep(delayMs);
        // The client may have gone while the request was held.
        if (!upstream.destroyed) upstream.write(chunk);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));

  return {
    host: `unix://${socketPath}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(folder, { recursive: true, force: true });
    },
  };
}
