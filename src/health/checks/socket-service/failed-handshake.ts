import { parseEngineError } from '../../../net/engine-io.js';
import { describeFailure, httpFailure, type NetworkFailure } from '../../../net/failure.js';
import type { SocketProbeResult } from '../../../net/socket-probe.js';
import { formatDuration } from '../../../output/format.js';
import type { CheckOutcome } from '../../types.js';
import { pathRemedy, remedyFor, websocketRemedy } from './remedies.js';

/*
 * Outcomes of a probe that opened no polling session: the service was not
 * reached, rejected the handshake, or accepts websocket only.
 */

export function unreachable(
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

export function rejected(url: URL, path: string, result: RejectedResult): CheckOutcome {
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

type WebSocketOnlyResult = Extract<SocketProbeResult, { stage: 'websocket-only' }>;

/** Reports a server that rejects polling, where only a websocket-only client can connect. */
export function websocketOnly(url: URL, result: WebSocketOnlyResult): CheckOutcome {
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
