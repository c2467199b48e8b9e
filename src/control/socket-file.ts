import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { errnoCode, WrError } from '../errors.js';

/** Time to wait for an existing socket to accept before calling it live. */
const probeTimeoutMs = 1000;

/**
 * Makes `socketPath` free to bind. A socket file nothing accepts on is left
 * over from a host that died, and is removed. A socket that accepts belongs
 * to a running host, and anything that is not a socket is not ours to
 * delete: both raise a WrError.
 */
export async function clearSocketPath(socketPath: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(socketPath)).isSocket();
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) {
    throw new WrError(
      'CONTROL_SOCKET_PATH',
      `control socket path ${socketPath} exists and is not a socket`,
      {
        hint: 'remove that file yourself, or set control.socket in wr.config.json to another path',
      },
    );
  }
  if (await acceptsConnections(socketPath)) {
    throw new WrError(
      'CONTROL_SOCKET_IN_USE',
      `another host already serves the control socket ${socketPath}`,
      {
        hint: `stop the other wr serve (or the backend that embeds the pool); find its pid with: ss -xlp | grep ${socketPath}`,
      },
    );
  }
  await unlink(socketPath).catch((error: unknown) => {
    if (errnoCode(error) !== 'ENOENT') throw error;
  });
}

/** Connects to a Unix socket: true when a server accepts, false when it refuses or is gone. */
export function acceptsConnections(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    const finish = (live: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(live);
    };
    // A full accept backlog makes connect hang; only a live server has one.
    const timer = setTimeout(() => finish(true), probeTimeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * Binds `server` to `socketPath` with mode 0600. The umask is narrowed around
 * the synchronous bind inside `listen`, so the socket is never created with
 * wider permissions. The parent folder is created with mode 0700 when
 * missing; an existing folder keeps its mode.
 * NOTE: Node rejects process.umask(mask) in a worker thread, so a host must
 * start the server on the main thread.
 */
export async function listenOnSocket(server: net.Server, socketPath: string): Promise<void> {
  await mkdir(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  await clearSocketPath(socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const previous = process.umask(0o177);
    try {
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      process.umask(previous);
    }
  });
  await chmod(socketPath, 0o600);
}
