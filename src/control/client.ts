import http, { type IncomingMessage } from 'node:http';
import type { ConnectionEvent, ConnectionSnapshot } from '../core/types.js';
import { errnoCode, WrError } from '../errors.js';
import type {
  ConnectionBody,
  ConnectionsBody,
  ErrorBody,
  HealthBody,
  ResetBody,
} from './protocol.js';
import { parseEvents } from './sse-reader.js';

/** Location of the control API: a Unix socket, or a URL with its bearer token. */
export type ControlTarget = { socketPath: string } | { url: string; token: string | null };

export interface RequestOptions {
  signal?: AbortSignal;
}

/** Picks the target from the config's `control` keys: the URL when set, else the socket. */
export function controlTarget(control: {
  socket: string;
  url: string | null;
  token: string | null;
}): ControlTarget {
  return control.url ? { url: control.url, token: control.token } : { socketPath: control.socket };
}

/** Typed client of the control API. Every failure is a WrError that names the host it tried. */
export class ControlClient {
  constructor(private readonly target: ControlTarget) {}

  /** The socket path or URL, for messages. */
  get address(): string {
    return 'socketPath' in this.target ? this.target.socketPath : this.target.url;
  }

  health(options?: RequestOptions): Promise<HealthBody> {
    return this.request('GET', '/v1/health', undefined, options);
  }

  async list(options?: RequestOptions): Promise<ConnectionSnapshot[]> {
    const body = await this.request<ConnectionsBody>('GET', '/v1/connections', undefined, options);
    return body.connections;
  }

  async get(id: string, options?: RequestOptions): Promise<ConnectionSnapshot> {
    const body = await this.request<ConnectionBody>('GET', connectionPath(id), undefined, options);
    return body.connection;
  }

  reset(id: string, body: { logout?: boolean }, options?: RequestOptions): Promise<ResetBody> {
    return this.request('POST', `${connectionPath(id)}/reset`, body, options);
  }

  start(id: string, options?: RequestOptions): Promise<ResetBody> {
    return this.request('POST', `${connectionPath(id)}/start`, {}, options);
  }

  stop(id: string, options?: RequestOptions): Promise<ResetBody> {
    return this.request('POST', `${connectionPath(id)}/stop`, {}, options);
  }

  async update(
    id: string,
    changes: { profile?: string },
    options?: RequestOptions,
  ): Promise<ConnectionSnapshot> {
    const body = await this.request<ConnectionBody>('PATCH', connectionPath(id), changes, options);
    return body.connection;
  }

  /**
   * Streams the events of one connection, starting with its current state
   * (and QR). Ends when the host closes the stream, and without an error when
   * `signal` is aborted.
   */
  async *events(id: string, options: RequestOptions = {}): AsyncGenerator<ConnectionEvent> {
    const response = await this.send('GET', `${connectionPath(id)}/events`, undefined, options);
    if (response.statusCode !== 200) await this.raiseFor(response);
    try {
      yield* parseEvents(response);
    } catch (error) {
      if (options.signal?.aborted) return;
      throw this.unreachable(error);
    } finally {
      response.destroy();
    }
  }

  private async request<T>(
    method: string,
    path: string,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<T> {
    const response = await this.send(method, path, body, options);
    const text = await readText(response);
    if (response.statusCode !== 200) this.raise(response.statusCode ?? 0, text);
    return JSON.parse(text) as T;
  }

  private send(
    method: string,
    path: string,
    body: unknown,
    options: RequestOptions,
  ): Promise<IncomingMessage> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    let location: http.RequestOptions;
    if ('socketPath' in this.target) {
      location = { socketPath: this.target.socketPath, path };
    } else {
      const url = new URL(path, this.target.url);
      location = { host: url.hostname, port: url.port, path: url.pathname };
      if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
    }
    return new Promise((resolve, reject) => {
      const request = http.request({ ...location, method, headers, signal: options.signal });
      request.once('response', resolve);
      request.once('error', (error) => reject(this.unreachable(error, options.signal)));
      request.end(payload);
    });
  }

  private async raiseFor(response: IncomingMessage): Promise<never> {
    this.raise(response.statusCode ?? 0, await readText(response));
  }

  private raise(status: number, text: string): never {
    let error: ErrorBody['error'] | undefined;
    try {
      error = (JSON.parse(text) as ErrorBody).error;
    } catch {
      // The body is not in the control API's error shape, so report the status.
    }
    const code = error?.code ?? `HTTP_${status}`;
    const message = error?.message ?? `control API responded with HTTP ${status}`;
    const hint =
      status === 401
        ? `set control.token (or WR_CONTROL_TOKEN) to the token the host at ${this.address} expects`
        : undefined;
    throw new WrError(code, message, { hint });
  }

  private unreachable(error: unknown, signal?: AbortSignal): Error {
    if (signal?.aborted) return signal.reason instanceof Error ? signal.reason : (error as Error);
    const code = errnoCode(error) ?? (error as Error).message;
    const hint =
      code === 'EACCES'
        ? `run wr as the user that owns ${this.address} (the socket has mode 0600)`
        : 'socketPath' in this.target
          ? `start the host with wr serve (or start the backend that embeds the pool); it must listen on ${this.address} (control.socket in the config, or WR_CONTROL_SOCKET)`
          : `start the host with wr serve (or the backend that embeds the pool) and check control.url (${this.address})`;
    return new WrError(
      'CONTROL_UNREACHABLE',
      `control API at ${this.address} is unreachable: ${code}`,
      { hint, cause: error },
    );
  }
}

function connectionPath(id: string): string {
  return `/v1/connections/${encodeURIComponent(id)}`;
}

async function readText(response: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of response) text += chunk;
  return text;
}
