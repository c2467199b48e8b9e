import type { IncomingMessage } from 'node:http';
import type { ConnectionSnapshot, PoolControl } from '../core/types.js';
import { WrError } from '../errors.js';
import { ControlError } from './protocol.js';

/** Parts of a request that a route reads. */
export interface RouteRequest {
  method: string;
  /** Path segments after the API prefix, such as ["connections", "3", "reset"]. */
  segments: string[];
  body: () => Promise<unknown>;
}

/** JSON response of a route. The events route is handled by the server itself. */
export interface RouteResult {
  status: number;
  body: unknown;
}

/** Looks a connection up, or raises the 404 every connection route shares. */
export function requireConnection(pool: PoolControl, id: string): ConnectionSnapshot {
  const snapshot = pool.get(id);
  if (!snapshot) {
    const known = pool.list().map((connection) => connection.id);
    throw new ControlError(
      404,
      'CONNECTION_NOT_FOUND',
      `connection "${id}" is not hosted here (known: ${known.join(', ') || 'none'})`,
    );
  }
  return snapshot;
}

/** Reads a JSON body of at most 64 KiB. An empty body reads as {}. */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 65_536) throw new ControlError(413, 'BODY_TOO_LARGE', 'request body over 64 KiB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ControlError(400, 'INVALID_JSON', `invalid JSON body: ${(error as Error).message}`);
  }
}

/** Checks that a body is an object with only the allowed keys, each of the expected type. */
export function parseBody<T extends Record<string, unknown>>(
  body: unknown,
  allowed: Record<keyof T, 'boolean' | 'string'>,
): Partial<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ControlError(400, 'INVALID_BODY', 'expected a JSON object as the request body');
  }
  for (const [key, value] of Object.entries(body)) {
    const type = allowed[key as keyof T];
    if (!type) {
      const keys = Object.keys(allowed).join(', ');
      throw new ControlError(400, 'INVALID_BODY', `unknown key "${key}" (allowed: ${keys})`);
    }
    if (typeof value !== type || (type === 'string' && value === '')) {
      throw new ControlError(400, 'INVALID_BODY', `key "${key}": expected a non-empty ${type}`);
    }
  }
  return body as Partial<T>;
}

/**
 * Maps an error thrown by the pool to a ControlError. A WrError is a
 * condition the operator can fix: an unknown profile or invalid value is
 * the request's fault (400), anything else conflicts with the connection's
 * state (409), such as a live SingletonLock or a full disk. Other errors
 * are bugs (500) and are logged with their stack by the server.
 */
export function toControlError(error: unknown): ControlError | undefined {
  if (error instanceof ControlError) return error;
  if (!(error instanceof WrError)) return undefined;
  if (/NOT_FOUND|UNKNOWN_CONNECTION/.test(error.code)) {
    return new ControlError(404, error.code, error.message);
  }
  const status = /PROFILE|INVALID|USAGE/.test(error.code) ? 400 : 409;
  return new ControlError(status, error.code, error.message);
}
