import path from 'node:path';
import { ControlClient, controlTarget } from '../../control/client.js';
import type { ConnectionSnapshot } from '../../core/types.js';
import { WrError } from '../../errors.js';
import { scanBrowsers, type BrowserProcess } from '../../host/browsers.js';
import { formatBytes, plural } from '../../output/format.js';
import type { Check, CheckEnvironment, CheckOutcome, CheckStatus } from '../types.js';

/** One problem the check found. The worst status decides the outcome. */
interface Finding {
  status: Exclude<CheckStatus, 'ok' | 'skip'>;
  summary: string;
  remedy: string;
}

export const connectionsCheck: Check = {
  id: 'connections',
  title: 'Connections',
  run: runConnectionsCheck,
};

async function runConnectionsCheck(environment: CheckEnvironment): Promise<CheckOutcome> {
  const client = new ControlClient(controlTarget(environment.config.control));
  let connections: ConnectionSnapshot[];
  try {
    connections = await client.list({ signal: environment.signal });
  } catch (error) {
    if (error instanceof WrError && error.code === 'CONTROL_UNREACHABLE') {
      return unreachable(error, environment);
    }
    throw error;
  }
  const scan = await scanBrowsers({
    procRoot: environment.procRoot,
    docker: environment.docker,
    signal: environment.signal,
  });
  const paths = await environment.paths();
  return evaluateConnections({
    connections,
    configured: environment.config.connections.map((connection) => connection.id),
    browsers: scan.browsers,
    credentialsPath: paths.credentials?.path ?? null,
    host: client.address,
    scanProblems: scan.problems,
  });
}

function unreachable(error: WrError, environment: CheckEnvironment): CheckOutcome {
  const configured = environment.config.connections.length;
  return {
    // With no connection configured there is nothing a host should run.
    status: configured > 0 ? 'warn' : 'skip',
    summary: `${error.message}: no host reports the ${plural(configured, 'configured connection')}`,
    details: { host: error.message, configured },
    remedy: 'start the host: wr serve (or start the backend that embeds the pool)',
  };
}

export interface ConnectionsInput {
  connections: ConnectionSnapshot[];
  /** Connection ids of the config. */
  configured: string[];
  /** Browser main processes found in /proc. */
  browsers: BrowserProcess[];
  /** `paths.credentials`, to tell session folders from other browser profiles. */
  credentialsPath: string | null;
  /** Socket path or URL of the host, for the summary. */
  host: string;
  scanProblems: string[];
}

/** Turns the host's connections and the browser scan into the check's outcome. */
export function evaluateConnections(input: ConnectionsInput): CheckOutcome {
  const ownership = assignBrowsers(input);
  const findings = [
    ...input.connections.flatMap(stateFindings),
    ...missingFindings(input),
    ...ownership.duplicates,
    ...ownership.orphans,
  ];
  const status: CheckStatus = findings.some((finding) => finding.status === 'fail')
    ? 'fail'
    : findings.length > 0
      ? 'warn'
      : 'ok';
  const overview = describeConnections(input.connections);
  const summary = findings.length
    ? `${findings.map((finding) => finding.summary).join('; ')} (${overview})`
    : overview;
  return {
    status,
    summary,
    details: {
      host: input.host,
      connections: input.connections.map(connectionDetails),
      browsers: ownership.details,
      scanProblems: input.scanProblems,
    },
    remedy: [...new Set(findings.map((finding) => finding.remedy))].join('; ') || null,
  };
}

function stateFindings(connection: ConnectionSnapshot): Finding[] {
  const { id } = connection;
  const reset = `wr connection reset ${id}`;
  const findings: Finding[] = [];
  const reason = connection.reason ? ` (${connection.reason})` : '';
  if (connection.state === 'FAILED') {
    findings.push({ status: 'fail', summary: `connection ${id} FAILED${reason}`, remedy: reset });
  } else if (connection.state === 'DISCONNECTED') {
    findings.push(disconnectedFinding(connection, reset, reason));
  } else if (connection.state === 'QR') {
    const summary = `connection ${id} waits for a QR scan`;
    findings.push({ status: 'warn', summary, remedy: reset });
  } else if (connection.state === 'STOPPED') {
    const summary = connection.paused
      ? `connection ${id} is paused on the host`
      : `connection ${id} is STOPPED`;
    findings.push({ status: 'warn', summary, remedy: reset });
  }
  if (connection.missedProbes > 0) {
    findings.push({
      status: 'warn',
      summary: `connection ${id}: page missed ${connection.missedProbes} liveness probes in a row (frozen WhatsApp Web page)`,
      remedy: reset,
    });
  }
  return findings;
}

/**
 * Builds the finding of a DISCONNECTED connection. Other Chromium arguments
 * may stop a drop after ready that is not a logout from the phone, so the
 * remedy names wr debug-args for when a reset does not last.
 */
function disconnectedFinding(
  connection: ConnectionSnapshot,
  reset: string,
  reason: string,
): Finding {
  const { id } = connection;
  const summary = `connection ${id} DISCONNECTED${reason}`;
  if (connection.readyAt === null || connection.reason === 'LOGOUT') {
    return { status: 'warn', summary, remedy: reset };
  }
  // NOTE: the snapshot carries no disconnect time or count, so one drop and
  // repeated drops soon after ready look the same here.
  return {
    status: 'warn',
    summary: `${summary} after it was ready (ready at ${connection.readyAt})`,
    remedy: `${reset}; if it drops again soon after ready: wr debug-args ${id} --profile all`,
  };
}

function missingFindings(input: ConnectionsInput): Finding[] {
  const hosted = new Set(input.connections.map((connection) => connection.id));
  const missing = input.configured.filter((id) => !hosted.has(id));
  if (missing.length === 0) return [];
  return [
    {
      status: 'warn',
      summary: `configured but not on the host: ${missing.join(', ')}`,
      remedy: 'restart wr serve (or the backend) so that it loads the current config',
    },
  ];
}

interface Ownership {
  duplicates: Finding[];
  orphans: Finding[];
  details: Array<{ pid: number; folder: string; connection: string | null; role: string }>;
}

/**
 * Matches every browser on a session folder to the connection whose clientId
 * the folder names. The host's own browser is the one whose pid the host
 * reports. A second browser on the same folder is a duplicate (two browsers
 * on one profile make the several-QRs state). A browser on a session folder
 * of no hosted connection, or on a connection the host does not run a
 * browser for, is an orphan.
 */
function assignBrowsers(input: ConnectionsInput): Ownership {
  const byFolder = new Map(
    input.connections.map((connection) => [`session-${connection.clientId}`, connection]),
  );
  const ownership: Ownership = { duplicates: [], orphans: [], details: [] };
  const extra = new Map<string, BrowserProcess[]>();
  for (const browser of input.browsers) {
    const folder = browser.hostPath ?? browser.userDataDir;
    const connection = byFolder.get(path.posix.basename(folder));
    if (!isSessionFolder(folder, browser, input.credentialsPath, connection)) continue;
    const role = roleOf(browser, connection);
    ownership.details.push({ pid: browser.pid, folder, connection: connection?.id ?? null, role });
    if (role === 'extra' && connection) {
      extra.set(connection.id, [...(extra.get(connection.id) ?? []), browser]);
    } else if (role === 'orphan') {
      ownership.orphans.push(orphanFinding(browser, folder));
    }
  }
  for (const [id, browsers] of extra) {
    const pids = browsers.map((browser) => browser.pid).join(', ');
    ownership.duplicates.push({
      status: 'fail',
      summary: `connection ${id}: ${browsers.length + 1} browsers on one session folder (extra pids ${pids}), the several-QRs state`,
      remedy: `stop the extra browsers (kill ${pids}), then wr connection reset ${id}`,
    });
  }
  return ownership;
}

/**
 * Whether a browser's folder belongs to this deployment: a session folder
 * inside the credentials folder, or, where either path is unknown (a
 * container's browser without a host path), a folder named after one of the
 * host's connections. Other browsers on the machine are left out.
 */
function isSessionFolder(
  folder: string,
  browser: BrowserProcess,
  credentialsPath: string | null,
  connection: ConnectionSnapshot | undefined,
): boolean {
  if (!path.posix.basename(folder).startsWith('session-')) return false;
  if (credentialsPath === null || browser.hostPath === null) return connection !== undefined;
  return path.posix.dirname(folder) === path.posix.normalize(credentialsPath);
}

function roleOf(
  browser: BrowserProcess,
  connection: ConnectionSnapshot | undefined,
): 'host' | 'extra' | 'orphan' | 'paused' {
  if (!connection) return 'orphan';
  // The host reports pids in its own pid namespace, which is the container's for an embedded host.
  const pid = browser.onHost ? browser.pid : browser.namespacePid;
  if (connection.browserPid === pid) return 'host';
  // A paused connection's folder is lent to wr debug-args.
  if (connection.paused) return 'paused';
  return connection.browserPid === null ? 'orphan' : 'extra';
}

function orphanFinding(browser: BrowserProcess, folder: string): Finding {
  const where = browser.container ? ` in container ${browser.container.name}` : '';
  return {
    status: 'warn',
    summary: `orphan browser pid ${browser.pid}${where} on ${folder}: no connection of the host runs it`,
    remedy: `kill ${browser.pid} if no other program uses ${folder}`,
  };
}

function describeConnections(connections: ConnectionSnapshot[]): string {
  if (connections.length === 0) return 'the host runs no connections';
  const counts = new Map<string, number>();
  for (const connection of connections) {
    counts.set(connection.state, (counts.get(connection.state) ?? 0) + 1);
  }
  const states = [...counts].map(([state, count]) => `${count} ${state}`).join(', ');
  const parts = [`${plural(connections.length, 'connection')}: ${states}`];
  const pss = connections.map((connection) => connection.memory?.pssBytes ?? null);
  const known = pss.filter((bytes): bytes is number => bytes !== null);
  if (known.length > 0) {
    const total = formatBytes(known.reduce((sum, bytes) => sum + bytes, 0));
    parts.push(`browser PSS ${total} for ${plural(known.length, 'browser')}`);
  }
  const unreadable = connections.filter((connection) => connection.memory?.unreadable.length);
  if (unreadable.length > 0) {
    parts.push(
      `memory of ${plural(unreadable.length, 'browser')} partly unreadable (PSS needs root or CAP_SYS_PTRACE)`,
    );
  }
  const versions = [...new Set(connections.map((connection) => connection.webVersion))];
  const named = versions.filter((version): version is string => version !== null);
  if (named.length > 0) parts.push(`WhatsApp Web ${named.join(', ')}`);
  return parts.join('; ');
}

function connectionDetails(connection: ConnectionSnapshot) {
  return {
    id: connection.id,
    state: connection.state,
    reason: connection.reason,
    browserPid: connection.browserPid,
    pssBytes: connection.memory?.pssBytes ?? null,
    rssBytes: connection.memory?.rssBytes ?? null,
    memoryUnreadable: connection.memory?.unreadable ?? [],
    webVersion: connection.webVersion,
    missedProbes: connection.missedProbes,
    uptimeSeconds: connection.uptimeSeconds,
  };
}
