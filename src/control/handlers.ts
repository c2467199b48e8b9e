import type { ConnectionSnapshot, PoolControl } from '../core/types.js';
import { version } from '../version.js';
import type { ConnectionBody, ConnectionsBody, HealthBody, ResetBody } from './protocol.js';
import { ControlError } from './protocol.js';
import { parseBody, requireConnection, type RouteRequest, type RouteResult } from './routes.js';

type Action = 'reset' | 'start' | 'stop';

/**
 * The JSON routes of the control API. Resets are single-flight here as well
 * as in the pool: a request that arrives while one runs for the same
 * connection waits for that one, and its response says it joined.
 */
export class ControlHandlers {
  private readonly running = new Map<string, Promise<ConnectionSnapshot>>();

  constructor(private readonly pool: PoolControl) {}

  /** Returns the route's response, or undefined when no route matches. */
  async handle(request: RouteRequest): Promise<RouteResult | undefined> {
    const { method, segments } = request;
    const [resource, id, action, ...rest] = segments;
    if (rest.length > 0) return undefined;
    if (resource === 'health' && id === undefined && method === 'GET') return ok(this.health());
    if (resource !== 'connections') return undefined;
    if (id === undefined) return method === 'GET' ? ok(this.list()) : notAllowed(method);
    if (action === undefined) {
      if (method === 'GET') return ok(this.one(id));
      if (method === 'PATCH') return ok(await this.update(id, await request.body()));
      return notAllowed(method);
    }
    if (action === 'reset' || action === 'start' || action === 'stop') {
      if (method !== 'POST') return notAllowed(method);
      return ok(await this.act(id, action, await request.body()));
    }
    return undefined;
  }

  private health(): HealthBody {
    return { alive: true, version, pid: process.pid, connections: this.pool.list().length };
  }

  private list(): ConnectionsBody {
    return { connections: this.pool.list() };
  }

  private one(id: string): ConnectionBody {
    return { connection: requireConnection(this.pool, id) };
  }

  private async update(id: string, body: unknown): Promise<ConnectionBody> {
    requireConnection(this.pool, id);
    const changes = parseBody<{ profile: string }>(body, { profile: 'string' });
    return { connection: await this.pool.update(id, changes) };
  }

  private async act(id: string, action: Action, body: unknown): Promise<ResetBody> {
    const before = requireConnection(this.pool, id);
    const options =
      action === 'reset' ? parseBody<{ logout: boolean }>(body, { logout: 'boolean' }) : {};
    const key = `${action}:${id}`;
    const running = this.running.get(key);
    if (running) return { connection: await running, joined: true };

    const operation = this.run(id, action, options.logout === true);
    this.running.set(key, operation);
    try {
      return { connection: await operation, joined: before.busy };
    } finally {
      this.running.delete(key);
    }
  }

  private run(id: string, action: Action, logout: boolean): Promise<ConnectionSnapshot> {
    if (action === 'reset') return this.pool.reset(id, logout ? { logout: true } : {});
    return action === 'start' ? this.pool.start(id) : this.pool.stop(id);
  }
}

function ok(body: unknown): RouteResult {
  return { status: 200, body };
}

function notAllowed(method: string): never {
  throw new ControlError(405, 'METHOD_NOT_ALLOWED', `method ${method} is not allowed on this path`);
}
