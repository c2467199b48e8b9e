/**
 * States of a connection. Raw WhatsApp states (CONFLICT, UNPAIRED, TIMEOUT,
 * LOGOUT, ...) are kept in `reason`.
 */
export type ConnectionState =
  'STOPPED' | 'STARTING' | 'QR' | 'SYNCING' | 'CONNECTED' | 'DISCONNECTED' | 'FAILED';

/** Memory of a connection's browser process tree, in bytes; null where /proc could not be read. */
export interface BrowserMemory {
  pssBytes: number | null;
  rssBytes: number | null;
  processes: number;
  /** Pids of the browser's process tree, main process first. */
  pids?: number[];
  /** Figures that could not be read, such as smaps_rollup without CAP_SYS_PTRACE. */
  unreadable: string[];
}

/** The host's report on one connection, which is also its JSON shape in the control API. */
export interface ConnectionSnapshot {
  id: string;
  name: string | null;
  clientId: string;
  profile: string;
  state: ConnectionState;
  /** WhatsApp state or error behind the last DISCONNECTED or FAILED, else null. */
  reason: string | null;
  /** The current QR string while in the QR state. */
  qr: string | null;
  /** Pid of the browser's main process, or null when none runs. */
  browserPid: number | null;
  memory: BrowserMemory | null;
  /** ISO times. */
  startedAt: string | null;
  readyAt: string | null;
  /** Seconds since the connection became CONNECTED, or null. */
  uptimeSeconds: number | null;
  /** WhatsApp Web version the page runs, once known. */
  webVersion: string | null;
  /** Number of consecutive liveness probes the page missed. */
  missedProbes: number;
  /** Whether a start, stop or reset is running. */
  busy: boolean;
  /** Whether the host paused it (stop through the control API). */
  paused: boolean;
}

/** Events a pool emits; the control API streams them as Server-Sent Events. */
export type ConnectionEvent =
  | { type: 'state'; id: string; state: ConnectionState; reason: string | null; at: string }
  | { type: 'qr'; id: string; qr: string; at: string }
  | { type: 'ready'; id: string; at: string }
  | { type: 'disconnected'; id: string; reason: string; at: string };

/** The pool operations the control API uses. src/core implements them. */
export interface PoolControl {
  list(): ConnectionSnapshot[];
  get(id: string): ConnectionSnapshot | undefined;
  /**
   * Starts a reset, or joins the one already running for this connection
   * (single-flight). Resolves when the new browser is up (state QR, SYNCING
   * or CONNECTED) or the operation failed.
   */
  reset(id: string, options?: { logout?: boolean }): Promise<ConnectionSnapshot>;
  start(id: string): Promise<ConnectionSnapshot>;
  stop(id: string): Promise<ConnectionSnapshot>;
  /** Changes host-owned settings; a profile change applies at the next start. */
  update(id: string, changes: { profile?: string }): Promise<ConnectionSnapshot>;
  /** Subscribes to events of one connection; returns the unsubscribe function. */
  subscribe(id: string, listener: (event: ConnectionEvent) => void): () => void;
}
