import type { SocketProbeResult } from '../../../net/socket-probe.js';
import { formatDuration } from '../../../output/format.js';
import type { CheckOutcome, CheckStatus } from '../../types.js';
import { websocketRemedy } from './remedies.js';

type OpenResult = Extract<SocketProbeResult, { stage: 'open' }>;

/** One thing the probe found wrong, with what to do about it. */
interface Finding {
  status: CheckStatus;
  summary: string;
  remedy: string | null;
}

const severity: Record<CheckStatus, number> = { ok: 0, skip: 0, warn: 1, fail: 2 };
const reloadSymptom = 'a known cause of messages that appear only after a page reload (F5)';

export function opened(url: URL, result: OpenResult): CheckOutcome {
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
  const code = websocket.code ? ` (${websocket.code})` : '';
  // With protocol 3 the failure follows from the version mismatch, whose remedy is given. The
  // clients of socket.io 3 or 4 then get no live messages at all, so the check fails.
  if (open.protocol === 3) {
    return {
      status: 'fail',
      summary: `socket.io-client 4 cannot connect either: its websocket connection failed${code}: ${websocket.error}`,
      remedy: null,
    };
  }
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
