import type { Config } from '../config/schema.js';
import type { DockerEngine } from '../docker/types.js';
import type { ResolvedPaths } from './paths.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** What one check found. `remedy` is a command or action for the operator, or null. */
export interface CheckOutcome {
  status: CheckStatus;
  summary: string;
  details: Record<string, unknown>;
  remedy: string | null;
}

export interface CheckResult extends CheckOutcome {
  id: string;
  durationMs: number;
}

/**
 * Everything a check may use. Each check gets its own `signal`, aborted at its
 * timeout, and the `deadline` of that timeout, so that it can end its slow
 * steps first and report what it found.
 */
export interface CheckEnvironment {
  config: Config;
  configFile: string | null;
  /** The Docker engine of `docker.host`; created on first use. */
  docker: () => DockerEngine;
  /** `paths.public` and `paths.credentials`, from the config or the backend container's mounts. */
  paths: () => Promise<ResolvedPaths>;
  procRoot: string;
  signal: AbortSignal;
  /**
   * Time when the runner gives up on the check and aborts `signal`, in
   * milliseconds since the epoch (as Date.now()). Undefined when there is no
   * deadline, as when a test runs a check directly.
   */
  deadline?: number;
  now: () => Date;
  /** DNS lookup used by network checks; tests inject one to produce a DNS failure. */
  lookup?: typeof import('node:dns').lookup;
}

export interface Check {
  id: string;
  title: string;
  run(environment: CheckEnvironment): Promise<CheckOutcome>;
}
