import type { LookupFunction } from 'node:net';
import { parseEngineError } from '../../net/engine-io.js';
import {
  describeFailure,
  httpFailure,
  isBillingStatus,
  type NetworkFailure,
} from '../../net/failure.js';
import { probeSocketService, type SocketProbeResult } from '../../net/socket-probe.js';
import { formatDuration } from '../../output/format.js';
import type { Check, CheckOutcome, CheckStatus } from '../types.js';

/** Limit of each request and of the websocket connection, in milliseconds. */
// NOTE: the runner's abort signal ends the check earlier when doctor's --timeout is shorter.
const requestTimeoutMs = 5000;

export const socketServiceCheck: Check = {
  id: 'socket-service',
  title: 'socket service',
  async run(environment) {
    const { url: text, path } = environment.config.socketService;
    if (!text) {
      return {
        status: 'skip',
        summary: 'no socket service configured',
        details: { url: null },
        remedy: 'set socketService.url in wr.config.json',
      };
    }
    const url = serviceUrl(text);
    if (!url) return unsupportedUrl(text);

    const result = await probeSocketService(url, {
      path,
      lookup: environment.lookup as LookupFunction | undefined,
      signal: environment.signal,
      timeoutMs: requestTimeoutMs,
    });
    if (result.stage === 'unreachable')
      return unreachable(url, path, result.handshakeUrl, result.failure);
    if (result.stage === 'rejected') return rejected(url, path, result);
    if (result.stage === 'websocket-only') return websocketOnly(url, result);
    return opened(url, result);
  },
};

/** Parses the service URL, mapping ws: and wss: to http: and https: as socket.io-client does. */
function serviceUrl(text: string): URL | null {
  const url = new URL(text);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol === 'wss:') url.protocol = 'https:';
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

function unsupportedUrl(text: string): CheckOutcome {
  return {
    status: 'fail',
    summary: `socketService.url "${text}" is not an http, https, ws or wss URL`,
    details: { url: text },
    remedy: 'set socketService.url in wr.config.json to the URL the app passes to io()',
  };
}

function unreachable(
  url: URL,
  path: string,
  handshakeUrl: URL,
  failure: NetworkFailure,
): CheckOutcome {
  return {
    status: 'fail',
    summary: `socket service handshake failed: ${describeFailure(failure, handshakeUrl)}`,
    details: failedDetails(url, null, failure),
    remedy: remedyFor(failure, url, path),
  };
}

type RejectedResult = Extract<SocketProbeResult, { stage: 'rejected' }>;

function rejected(url: URL, path: string, result: RejectedResult): CheckOutcome {
  const { response, handshakeUrl } = result;
  const latencyMs = response.latencyMs;
  if (response.status === 200) {
    const start = JSON.stringify(response.body.slice(0, 40));
    return {
      status: 'fail',
      summary: `${handshakeUrl.href}: HTTP 200 but no engine.io open packet (body starts ${start})`,
      details: failedDetails(url, latencyMs, null),
      remedy: pathRemedy(path),
    };
  }

  const engineError = parseEngineError(response.body);
  if (engineError) {
    const message = `${engineError.message} (engine.io error ${engineError.code})`;
    const failure = httpFailure(response.status, message, latencyMs);
    return {
      status: 'fail',
      summary: `socket service rejected the handshake: ${handshakeUrl.href}: HTTP ${response.status} ${message}`,
      details: failedDetails(url, latencyMs, failure),
      remedy: 'check the allowRequest option and the logs of the socket service',
    };
  }

  const failure = httpFailure(response.status, response.statusText, latencyMs);
  const target = redirectTarget(response.status, response.headers.location, handshakeUrl);
  return {
    status: 'fail',
    summary: `socket service handshake failed: ${describeFailure(failure, handshakeUrl)}${target ? `, redirecting to ${target.href}` : ''}`,
    details: failedDetails(url, latencyMs, failure),
    remedy: target
      ? `set socketService.url in wr.config.json to ${target.origin}, because clients do not follow redirects on websocket`
      : remedyFor(failure, url, path),
  };
}

/** Returns where a 3xx response points, or null for other responses. */
function redirectTarget(status: number, location: string | undefined, from: URL): URL | null {
  if (status < 300 || status >= 400 || !location) return null;
  try {
    return new URL(location, from);
  } catch {
    return null;
  }
}

function pathRemedy(path: string): string {
  return `check socketService.path ("${path}") against the path option of the socket service`;
}

type WebSocketOnlyResult = Extract<SocketProbeResult, { stage: 'websocket-only' }>;

/** Reports a server that rejects polling, where only a websocket-only client can connect. */
function websocketOnly(url: URL, result: WebSocketOnlyResult): CheckOutcome {
  const { websocket, response } = result;
  const details = {
    ...failedDetails(url, response.latencyMs, null),
    polling: false,
    websocket: { ...websocket },
  };
  if (!websocket.connected) {
    const code = websocket.code ? ` (${websocket.code})` : '';
    return {
      status: 'fail',
      summary: `socket service at ${url.href} rejects polling ("Transport unknown") and the websocket connection failed${code}: ${websocket.error}`,
      details,
      remedy: websocketRemedy(url),
    };
  }
  return {
    status: 'ok',
    summary: `socket service at ${url.href} accepts websocket only (connected in ${formatDuration(websocket.latencyMs)}); clients must use transports: ['websocket']`,
    details,
    remedy: null,
  };
}

function websocketRemedy(url: URL): string {
  return `let websocket upgrades through every proxy in front of ${url.host} (Upgrade and Connection headers)`;
}

/** Details of a handshake that failed, in the shape of a successful one's. */
function failedDetails(
  url: URL,
  latencyMs: number | null,
  failure: NetworkFailure | null,
): Record<string, unknown> {
  return {
    url: url.href,
    protocol: null,
    latencyMs,
    websocket: null,
    sticky: null,
    failure: failure && {
      kind: failure.kind,
      code: failure.code,
      status: failure.status,
      message: failure.message,
    },
  };
}

/** Returns what the operator does next when the handshake fails. */
function remedyFor(failure: NetworkFailure, url: URL, path: string): string {
  switch (failure.kind) {
    case 'dns':
      return `check the host name ${url.hostname} in socketService.url and the DNS records of the socket service`;
    case 'refused':
      return `start the socket service, or fix the port in socketService.url (${url.host})`;
    case 'tls':
      return `fix the TLS certificate of ${url.hostname} (renew it or install the full chain), or for a private CA run wr with NODE_EXTRA_CA_CERTS=<ca.pem>`;
    case 'timeout':
      return `check that the socket service at ${url.host} is running and not overloaded, and that no firewall drops the traffic`;
    case 'network':
      return `check the network path to ${url.host}`;
    case 'http':
      if (isBillingStatus(failure.status)) {
        return 'ask the administration whether the socket service host was disabled or its bill is unpaid';
      }
      if (failure.status === 404) return pathRemedy(path);
      return `check the logs of the socket service at ${url.host}`;
  }
}

type OpenResult = Extract<SocketProbeResult, { stage: 'open' }>;

/** One thing the probe found wrong, with what to do about it. */
interface Finding {
  status: CheckStatus;
  summary: string;
  remedy: string | null;
}

const severity: Record<CheckStatus, number> = { ok: 0, skip: 0, warn: 1, fail: 2 };
const reloadSymptom = 'a known cause of messages that appear only after a page reload (F5)';

function opened(url: URL, result: OpenResult): CheckOutcome {
  const findings = [
    stickyFinding(result),
    protocolFinding(result),
    websocketFinding(url, result),
  ].filter((finding): finding is Finding => finding !== null);
  const status = findings.reduce<CheckStatus>(
    (worst, finding) => (severity[finding.status] > severity[worst] ? finding.status : worst),
    'ok',
  );
  const headline = `engine.io ${result.open.protocol} at ${url.href}, handshake in ${formatDuration(result.response.latencyMs)}`;
  const healthy = `websocket connected, ${result.sticky.accepted} follow-up requests reached the session`;
  const remedies = findings.map((finding) => finding.remedy).filter((remedy) => remedy !== null);
  return {
    status,
    summary: [
      headline,
      ...(findings.length ? findings.map((finding) => finding.summary) : [healthy]),
    ].join('; '),
    details: openDetails(url, result),
    remedy: remedies.length ? remedies.join('; ') : null,
  };
}

function stickyFinding({ sticky, open }: OpenResult): Finding | null {
  if (sticky.lost > 0) {
    return {
      status: 'fail',
      summary: `${sticky.lost} of ${sticky.requests} follow-up requests on session ${open.sid} got "Session ID unknown": one client's requests reach different instances of the service (no sticky sessions), ${reloadSymptom}`,
      remedy:
        'enable sticky sessions on the load balancer in front of the socket service (cookie or client-IP affinity), or run one instance',
    };
  }
  if (sticky.errors.length > 0) {
    return {
      status: 'warn',
      summary: `${sticky.errors.length} of ${sticky.requests} follow-up requests failed: ${sticky.errors[0]}`,
      remedy: null,
    };
  }
  return null;
}

function protocolFinding({ open }: OpenResult): Finding | null {
  if (open.protocol !== 3) return null;
  return {
    status: 'warn',
    summary: `the server ignored EIO=4 and answered with engine.io protocol 3 (socket.io 2), so clients of socket.io 3 or 4 and the server disagree, ${reloadSymptom}`,
    remedy:
      'upgrade the socket service to socket.io 4, and start its Server with allowEIO3: true while clients of socket.io 2 remain',
  };
}

function websocketFinding(url: URL, { websocket, open }: OpenResult): Finding | null {
  if (websocket.connected) return null;
  // With protocol 3 the failure follows from the version mismatch, whose remedy is given.
  if (open.protocol === 3) {
    return {
      status: 'warn',
      summary: 'a websocket connection with socket.io-client 4 failed too',
      remedy: null,
    };
  }
  const code = websocket.code ? ` (${websocket.code})` : '';
  return {
    status: 'warn',
    summary: `websocket connection failed${code}: ${websocket.error}`,
    remedy: websocketRemedy(url),
  };
}

function openDetails(url: URL, result: OpenResult): Record<string, unknown> {
  const { open, sticky, websocket } = result;
  return {
    url: url.href,
    protocol: open.protocol,
    latencyMs: result.response.latencyMs,
    sid: open.sid,
    upgrades: open.upgrades,
    pingIntervalMs: open.pingInterval,
    pingTimeoutMs: open.pingTimeout,
    maxPayloadBytes: open.maxPayload,
    acceptsEio3: result.acceptsEio3,
    websocket: { ...websocket },
    sticky: { ...sticky, ok: sticky.lost === 0 && sticky.errors.length === 0 },
    failure: null,
  };
}
