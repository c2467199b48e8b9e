import { EventEmitter } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from 'whatsapp-web.js';
import { clientIdOf, sessionFolderName } from '../config/client-id.js';
import { readSocketDir } from '../disk/singleton.js';
import type { Config, ConnectionConfig } from '../config/schema.js';
import { processTree, readTreeMemory } from '../host/memory.js';
import { formatDuration } from '../output/format.js';
import { backoffDelay } from './backoff.js';
import { createClient, routeLateInjectErrors } from './client-factory.js';
import { errorFields, type Logger } from './logger.js';
import { preflight } from './preflight.js';
import { LivenessProbe } from './liveness.js';
import { loadProfile } from './profiles.js';
import { SingleFlight, type OperationKind } from './single-flight.js';
import { initializeUntilUp } from './startup.js';
import { closeClient, withTimeout, type CloseMode } from './teardown.js';
import { resolveTiming, type ConnectionTiming } from './timing.js';
import type {
  BrowserMemory,
  ConnectionEvent,
  ConnectionSnapshot,
  ConnectionState,
} from './types.js';

export interface ConnectionOptions {
  config: Config;
  connection: ConnectionConfig;
  /** LocalAuth dataPath: the folder holding the session-<clientId> folders. */
  credentialsDir: string;
  logger: Logger;
  timing?: Partial<ConnectionTiming>;
  /** Root of the proc filesystem, /proc by default. */
  procRoot?: string;
}

/** One running wwebjs client and its browser. */
interface Session {
  client: Client;
  pid: number | null;
  /** Set once the core or wwebjs closes the browser on purpose. */
  closing: boolean;
  /** Whether the page's latest event was a QR rather than a login, so it has no session to write. */
  showsQr: boolean;
  /** The browser's singleton socket folder in /tmp, which it leaves behind when killed. */
  socketDir: string | null;
}

/** Reason given when no QR scan came after every re-initialize. */
export const qrNotScanned = 'QR not scanned';
/** wwebjs's disconnect reason once it stops refreshing the QR. */
const maxQrRetriesReason = 'Max qrcode retries reached';

/**
 * One WhatsApp number: a wwebjs Client with LocalAuth in its own Chromium.
 * Emits 'event' (ConnectionEvent) on every state change, QR, ready and
 * disconnect, 'client' (the new wwebjs Client, before it initializes) on
 * every launch, and 'frozen' once the page missed `probeMissLimit` probes in a
 * row. Start, stop and reset are single-flight: a call made while one runs
 * joins it, so one browser at most runs on the session folder.
 */
export class Connection extends EventEmitter {
  readonly id: string;
  readonly clientId: string;
  readonly sessionDir: string;

  /** The wwebjs Client of the running browser, or null while none runs. */
  get client(): Client | null {
    return this.session?.closing === false ? this.session.client : null;
  }
  /** Browser launches so far, for tests and benchmarks. */
  launches = 0;

  private readonly timing: ConnectionTiming;
  private readonly logger: Logger;
  private readonly procRoot: string;
  private readonly flight = new SingleFlight<ConnectionSnapshot>();
  private profileName: string;
  private state: ConnectionState = 'STOPPED';
  private reason: string | null = null;
  private qr: string | null = null;
  private memory: BrowserMemory | null = null;
  private startedAt: Date | null = null;
  private readyAt: Date | null = null;
  private webVersion: string | null = null;
  private paused = false;
  private session: Session | null = null;
  private launchAbort = new AbortController();
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly probe: LivenessProbe;
  private restartAttempts = 0;
  private qrRounds = 0;

  constructor(private readonly options: ConnectionOptions) {
    super();
    this.id = options.connection.id;
    this.clientId = clientIdOf(options.config, this.id);
    this.sessionDir = path.join(
      path.resolve(options.credentialsDir),
      sessionFolderName(this.clientId),
    );
    this.profileName = options.connection.profile;
    this.timing = resolveTiming(options.timing);
    this.procRoot = options.procRoot ?? '/proc';
    this.logger = options.logger.child({ connection: this.id, clientId: this.clientId });
    this.probe = new LivenessProbe({
      intervalMs: this.timing.probeIntervalMs,
      timeoutMs: this.timing.probeTimeoutMs,
      missLimit: this.timing.probeMissLimit,
      logger: this.logger,
      afterProbe: () => this.refreshMemory(this.session),
      onFrozen: () => this.emit('frozen', this.snapshot()),
    });
  }

  /** The profile the next start uses. */
  get profile(): string {
    return this.profileName;
  }

  /** Changes the profile; it applies at the next start. */
  setProfile(name: string): void {
    this.logger.info(
      { from: this.profileName, to: name },
      'profile changed; applies at the next start',
    );
    this.profileName = name;
  }

  snapshot(): ConnectionSnapshot {
    const now = Date.now();
    return {
      id: this.id,
      name: this.options.connection.name ?? null,
      clientId: this.clientId,
      profile: this.profileName,
      state: this.state,
      reason: this.reason,
      qr: this.state === 'QR' ? this.qr : null,
      browserPid: this.session?.pid ?? null,
      memory: this.memory,
      startedAt: this.startedAt?.toISOString() ?? null,
      readyAt: this.readyAt?.toISOString() ?? null,
      uptimeSeconds:
        this.state === 'CONNECTED' && this.readyAt
          ? Math.round((now - this.readyAt.getTime()) / 1000)
          : null,
      webVersion: this.webVersion,
      missedProbes: this.probe.missed,
      busy: this.flight.running !== null,
      paused: this.paused,
    };
  }

  /** Starts the browser unless it runs; joins a running operation. Clears a pause. */
  start(): Promise<ConnectionSnapshot> {
    this.paused = false;
    return this.flight.run('start', async () => {
      if (this.session && !this.session.closing) return this.snapshot();
      this.restartAttempts = 0;
      this.qrRounds = 0;
      await this.close();
      return this.launch();
    });
  }

  /**
   * Closes the browser and starts it again; with `logout` the session folder
   * is deleted in between, so the next start shows a new QR. Joins a running
   * operation.
   */
  reset(options: { logout?: boolean } = {}): Promise<ConnectionSnapshot> {
    this.paused = false;
    return this.flight.run('reset', async () => {
      this.logger.info({ logout: options.logout === true }, 'reset');
      this.restartAttempts = 0;
      this.qrRounds = 0;
      const closed = await this.close(options.logout ? 'kill' : undefined);
      if (options.logout) await this.removeSessionFolder();
      return this.launch(closed);
    });
  }

  /**
   * Pauses the connection: cancels a running start, closes the browser and
   * keeps it STOPPED until start() or reset(). Joins a running stop.
   */
  async stop(): Promise<ConnectionSnapshot> {
    this.paused = true;
    this.clearRestartTimer();
    while (this.flight.running !== null && this.flight.running !== 'stop') {
      this.launchAbort.abort();
      await this.flight.settle();
    }
    return this.flight.run('stop', () => this.shutdown());
  }

  private async shutdown(): Promise<ConnectionSnapshot> {
    this.logger.info({}, 'stopping');
    await this.close();
    this.setState('STOPPED', null);
    return this.snapshot();
  }

  /**
   * Launches a browser and waits for a QR or a restored session; marks
   * FAILED on error. `afterOwnClose` means that this connection's own browser
   * left the folder just before, which lets the preflight skip its scan.
   */
  private async launch(afterOwnClose = false): Promise<ConnectionSnapshot> {
    this.clearRestartTimer();
    this.launchAbort = new AbortController();
    // A stop that came while an automatic restart closed the old browser cancels this launch.
    if (this.paused) this.launchAbort.abort();
    this.resetRunState();
    this.setState('STARTING', null);
    this.launches += 1;
    this.logger.info({ profile: this.profileName, launch: this.launches }, 'starting browser');
    try {
      await this.openSession(afterOwnClose);
      return this.snapshot();
    } catch (error) {
      this.logger.error(errorFields(error), 'start failed');
      await this.close();
      this.setState('FAILED', error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async openSession(afterOwnClose: boolean): Promise<void> {
    await mkdir(this.options.credentialsDir, { recursive: true });
    await preflight({
      sessionDir: this.sessionDir,
      credentialsDir: this.options.credentialsDir,
      diskFreePercent: this.options.config.thresholds.diskFreePercent,
      procRoot: this.procRoot,
      logger: this.logger,
      afterOwnClose,
    });
    const profile = await loadProfile(this.options.config, this.profileName);
    const client = createClient({
      config: this.options.config,
      profile,
      clientId: this.clientId,
      credentialsDir: this.options.credentialsDir,
      qrMaxRetries: this.timing.qrMaxRetries,
    });
    const session: Session = {
      client,
      pid: null,
      closing: false,
      showsQr: false,
      socketDir: null,
    };
    this.session = session;
    this.wireClient(session);
    // An embedding backend attaches its message handlers here, before
    // initialize(), on every start, restart and reset.
    this.emit('client', client);
    routeLateInjectErrors(client, (error) => {
      if (session.closing) return;
      this.logger.error(errorFields(error), 'injection into the reloaded page failed');
    });

    const label = `connection ${this.id}`;
    await initializeUntilUp(client, label, this.timing.startTimeoutMs, this.launchAbort.signal);
    this.watchBrowser(session);
    await this.readWebVersion(session);
  }

  private resetRunState(): void {
    this.startedAt = new Date();
    this.readyAt = null;
    this.qr = null;
    this.probe.missed = 0;
    this.webVersion = null;
  }

  private wireClient(session: Session): void {
    const { client } = session;
    const current = () => this.session === session && !session.closing;
    client.on('qr', (qr: string) => {
      if (!current()) return;
      this.notePid(session);
      session.showsQr = true;
      this.qr = qr;
      this.setState('QR', null);
      this.emitEvent({ type: 'qr', id: this.id, qr, at: new Date().toISOString() });
    });
    client.on('authenticated', () => {
      if (!current()) return;
      this.notePid(session);
      session.showsQr = false;
      this.setState('SYNCING', null);
    });
    client.on('ready', () => {
      if (current()) this.onReady();
    });
    client.on('change_state', (state: string) => {
      if (current()) this.logger.debug({ whatsappState: state }, 'WhatsApp state changed');
    });
    client.on('auth_failure', (message: string) => {
      if (current()) this.logger.warn({ message }, 'authentication failed');
    });
    client.on('disconnected', (reason: string) => {
      if (current()) this.onWhatsAppDisconnect(session, String(reason));
    });
  }

  /** Records the browser's pid once wwebjs has launched it, so snapshots show it from the first QR. */
  private notePid(session: Session): void {
    session.pid ??= session.client.pupBrowser?.process()?.pid ?? null;
  }

  private onReady(): void {
    this.readyAt = new Date();
    this.restartAttempts = 0;
    this.qrRounds = 0;
    this.setState('CONNECTED', null);
    this.emitEvent({ type: 'ready', id: this.id, at: this.readyAt.toISOString() });
  }

  /** Reads window.Debug.VERSION; the page has it once initialize() got past its injection. */
  private async readWebVersion(session: Session): Promise<void> {
    const version = await withTimeout(
      session.client.getWWebVersion().catch(() => undefined),
      this.timing.probeTimeoutMs,
    );
    if (version !== undefined && this.session === session) this.webVersion = version;
  }

  /**
   * Handles wwebjs's disconnected event. After LOGOUT wwebjs deletes the
   * session folder and shows a new QR in the same browser. After other
   * reasons (CONFLICT, UNPAIRED, the end of QR refreshes) it destroys the
   * client itself, and the core makes sure the browser is gone.
   */
  private onWhatsAppDisconnect(session: Session, reason: string): void {
    this.logger.warn({ reason }, 'WhatsApp disconnected');
    this.markDisconnected(reason);
    if (reason === 'LOGOUT') return;

    session.closing = true;
    this.probe.stop();
    if (reason === maxQrRetriesReason) {
      this.afterUnscannedQr();
      return;
    }
    void this.flight
      .run('restart', async () => {
        await this.close();
        return this.snapshot();
      })
      .catch((error: unknown) => this.logger.error(errorFields(error), 'close failed'));
  }

  private afterUnscannedQr(): void {
    this.qrRounds += 1;
    if (this.paused || this.qrRounds > this.timing.qrReinitializeLimit) {
      const rounds = this.qrRounds;
      this.runInBackground('restart', async () => {
        await this.close();
        this.logger.error({ rounds }, `no QR scan after ${rounds} browser starts; giving up`);
        this.setState('FAILED', qrNotScanned);
        return this.snapshot();
      });
      return;
    }
    this.logger.info({ round: this.qrRounds }, 'QR not scanned; starting the browser again');
    this.runInBackground('restart', async () => {
      await this.close();
      return this.launch();
    });
  }

  /** Watches the browser process: its exit (crash, kill) marks DISCONNECTED and restarts. */
  private watchBrowser(session: Session): void {
    const browser = session.client.pupBrowser;
    if (!browser) return;
    this.notePid(session);
    // Read now: a logout from the phone deletes the session folder with its link.
    void readSocketDir(this.sessionDir).then((dir) => (session.socketDir = dir));
    browser.once('disconnected', () => {
      if (this.session === session && !session.closing) this.onBrowserExit(session);
    });
    if (!browser.connected) this.onBrowserExit(session);
    if (session.client.pupPage) this.probe.start(session.client.pupPage);
    void this.refreshMemory(session);
  }

  private onBrowserExit(session: Session): void {
    session.closing = true;
    this.probe.stop();
    this.logger.warn({ pid: session.pid }, 'browser exited');
    this.markDisconnected('BROWSER_EXITED');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.paused) return;
    this.restartAttempts += 1;
    const delay = backoffDelay(this.timing.backoff, this.restartAttempts);
    if (delay === null) {
      const attempts = this.timing.backoff.maxAttempts;
      this.logger.error(
        { attempts },
        `browser restarted ${attempts} times without connecting; giving up`,
      );
      this.setState('FAILED', `browser exited; ${attempts} restarts did not connect`);
      return;
    }
    this.logger.info(
      { attempt: this.restartAttempts, delayMs: delay },
      `restarting in ${formatDuration(delay)}`,
    );
    this.clearRestartTimer();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.runInBackground('restart', async () => {
        await this.close();
        return this.launch().catch((error: unknown) => {
          this.scheduleRestart();
          throw error;
        });
      });
    }, delay);
  }

  private runInBackground(kind: OperationKind, operation: () => Promise<ConnectionSnapshot>): void {
    this.flight.run(kind, operation).catch((error: unknown) => {
      this.logger.error(errorFields(error), `${kind} failed`);
    });
  }

  private async refreshMemory(session: Session | null): Promise<void> {
    if (session === null || session.pid === null) return;
    try {
      const tree = await processTree(this.procRoot, session.pid);
      const memory = await readTreeMemory(this.procRoot, tree);
      if (this.session !== session) return;
      this.memory = {
        pssBytes: memory.pssBytes,
        rssBytes: memory.rssBytes,
        processes: memory.pids.length,
        pids: memory.pids,
        unreadable: memory.unreadable,
      };
    } catch (error) {
      this.logger.warn(errorFields(error), 'browser memory could not be read');
    }
  }

  /**
   * Closes the current browser, if any, and waits until no process of it
   * remains. Without `mode`, a browser showing a QR is killed, since it has no
   * login to write, and any other is closed gracefully. Returns whether a
   * browser was closed.
   */
  private async close(mode?: CloseMode): Promise<boolean> {
    this.probe.stop();
    const session = this.session;
    if (!session) return false;
    session.closing = true;
    this.session = null;
    this.memory = null;
    const closeMode = mode ?? (session.showsQr ? 'kill' : 'graceful');
    this.logger.info(
      { pid: session.pid, mode: closeMode },
      closeMode === 'kill' ? 'killing browser: no login to write' : 'closing browser',
    );
    await closeClient(session.client, session.pid, {
      mode: closeMode,
      socketDir: session.socketDir,
      closeTimeoutMs: this.timing.closeTimeoutMs,
      sessionDir: this.sessionDir,
      procRoot: this.procRoot,
      logger: this.logger,
    });
    return true;
  }

  /** Deletes this connection's session folder, and nothing else, so the next start shows a new QR. */
  private async removeSessionFolder(): Promise<void> {
    const parent = path.resolve(this.options.credentialsDir);
    if (path.dirname(this.sessionDir) !== parent) {
      throw new Error(`session folder ${this.sessionDir} is not directly in ${parent}`);
    }
    await rm(this.sessionDir, { recursive: true, force: true });
    this.logger.info({ folder: this.sessionDir }, 'session folder deleted (logout)');
  }

  private markDisconnected(reason: string): void {
    this.setState('DISCONNECTED', reason);
    this.emitEvent({ type: 'disconnected', id: this.id, reason, at: new Date().toISOString() });
  }

  private setState(state: ConnectionState, reason: string | null): void {
    if (this.state === state && this.reason === reason) return;
    this.logger.info({ state, from: this.state, reason }, `state ${state}`);
    this.state = state;
    this.reason = reason;
    this.emitEvent({ type: 'state', id: this.id, state, reason, at: new Date().toISOString() });
  }

  private emitEvent(event: ConnectionEvent): void {
    this.emit('event', event);
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }
}
