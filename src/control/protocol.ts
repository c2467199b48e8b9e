import type { ConnectionSnapshot } from '../core/types.js';

/** Path prefix of every route. A breaking change of the API gets a new prefix. */
export const apiPrefix = '/v1';

/** Body of every error response. `code` is stable, and `message` is for people. */
export interface ErrorBody {
  error: { code: string; message: string };
}

export interface HealthBody {
  alive: true;
  version: string;
  /** Process id of the host, so an operator can find and stop it. */
  pid: number;
  connections: number;
}

export interface ConnectionsBody {
  connections: ConnectionSnapshot[];
}

export interface ConnectionBody {
  connection: ConnectionSnapshot;
}

export interface ResetBody extends ConnectionBody {
  /** Whether this request joined a reset, start or stop that was already running. */
  joined: boolean;
}

/** The subset of pino's logger the control server and `wr serve` use. */
export interface ControlLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** An error with the HTTP status and stable code it is sent with. */
export class ControlError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ControlError';
    this.status = status;
    this.code = code;
  }
}
