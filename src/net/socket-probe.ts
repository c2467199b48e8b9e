import type { LookupFunction } from 'node:net';
import { CookieJar } from './cookies.js';
import {
  encodePacket,
  parseEngineError,
  parseOpenPacket,
  pollingUrl,
  transportUnknownCode,
  unknownSessionCode,
  type OpenPacket,
} from './engine-io.js';
import { describeFailure, type NetworkFailure } from './failure.js';
import { probe, type HttpResponse } from './http.js';
import { connectWebSocket, type WebSocketResult } from './socket-io.js';

/** Requests sent on the handshake's session to see whether they reach the same instance. */
const followUpRequests = 3;

export interface SocketProbeOptions {
  /** The engine.io path, such as /socket.io. */
  path: string;
  lookup?: LookupFunction;
  signal: AbortSignal;
  /** Limit of each request and of the websocket connection, in milliseconds. */
  timeoutMs: number;
  /**
   * Time by which every request must have ended, in milliseconds since the
   * epoch. Each request's limit shrinks to fit, so a request cut short fails
   * as a timeout. Undefined for no deadline.
   */
  deadline?: number;
}

/** One probe run: where it goes and what it carries from request to request. */
interface Session extends SocketProbeOptions {
  url: URL;
  cookies: CookieJar;
}

/** Whether follow-up requests on one session reached the instance that owns it. */
export interface StickyResult {
  requests: number;
  /** Requests the instance that owns the session accepted. */
  accepted: number;
  /** Requests that got engine.io's "Session ID unknown" error. */
  lost: number;
  /** Requests that failed otherwise, one sentence each. */
  errors: string[];
}

/** Result of a socket service probe, by the stage it reached. */
export type SocketProbeResult =
  | { stage: 'unreachable'; handshakeUrl: URL; failure: NetworkFailure }
  | { stage: 'rejected'; handshakeUrl: URL; response: HttpResponse }
  | {
      /** Polling got "Transport unknown", so websocket is the only transport left to try. */
      stage: 'websocket-only';
      handshakeUrl: URL;
      response: HttpResponse;
      websocket: WebSocketResult;
    }
  | {
      stage: 'open';
      handshakeUrl: URL;
      response: HttpResponse;
      open: OpenPacket;
      sticky: StickyResult;
      /** Whether engine.io 3 clients (socket.io 2) may connect; null when unknown. */
      acceptsEio3: boolean | null;
      websocket: WebSocketResult;
    };

/**
 * Probes a socket.io service: the engine.io polling handshake, follow-up
 * requests on its session, whether engine.io 3 clients are accepted, and a
 * websocket-only connection. Never throws for network errors.
 */
export async function probeSocketService(
  url: URL,
  options: SocketProbeOptions,
): Promise<SocketProbeResult> {
  const session: Session = { ...options, url, cookies: new CookieJar() };
  const handshakeUrl = pollingUrl(url, options.path, { EIO: '4' });
  const handshake = await request(session, handshakeUrl, 'GET');
  if ('failure' in handshake) {
    return { stage: 'unreachable', handshakeUrl, failure: handshake.failure };
  }
  const { response } = handshake;
  if (parseEngineError(response.body)?.code === transportUnknownCode) {
    const websocket = await connectWebSocket(url, options.path, withLimit(options));
    return { stage: 'websocket-only', handshakeUrl, response, websocket };
  }
  const open = parseOpenPacket(response.body);
  if (response.status !== 200 || !open) return { stage: 'rejected', handshakeUrl, response };

  const sticky = await followUp(session, open);
  const acceptsEio3 = open.protocol === 3 ? true : await acceptsProtocol3(session);
  await closeSession(session, open);
  const websocket = await connectWebSocket(url, options.path, withLimit(options));
  return {
    stage: 'open',
    handshakeUrl,
    response,
    open,
    sticky,
    acceptsEio3,
    websocket,
  };
}

/** Returns the limit of the next request: `timeoutMs`, shortened to end by the deadline. */
function requestLimit(options: SocketProbeOptions): number {
  if (options.deadline === undefined) return options.timeoutMs;
  return Math.max(0, Math.min(options.timeoutMs, options.deadline - Date.now()));
}

function withLimit(options: SocketProbeOptions): SocketProbeOptions {
  return { ...options, timeoutMs: requestLimit(options) };
}

/** Sends one polling request with the session's cookies and stores the cookies it gets back. */
async function request(
  session: Session,
  url: URL,
  method: 'GET' | 'POST',
  body?: string,
): Promise<{ response: HttpResponse } | { failure: NetworkFailure }> {
  const headers: Record<string, string> = { Accept: '*/*' };
  const cookie = session.cookies.header();
  if (cookie) headers.Cookie = cookie;
  if (body !== undefined) headers['Content-Type'] = 'text/plain;charset=UTF-8';
  const result = await probe(url, {
    method,
    headers,
    body,
    lookup: session.lookup,
    signal: session.signal,
    timeoutMs: requestLimit(session),
  });
  if ('response' in result) session.cookies.store(result.response.headers);
  return result;
}

/**
 * Sends noop packets on the handshake's session. Behind a load balancer
 * without affinity some land on an instance that does not own the session
 * and get "Session ID unknown".
 */
async function followUp(session: Session, open: OpenPacket): Promise<StickyResult> {
  const result: StickyResult = { requests: followUpRequests, accepted: 0, lost: 0, errors: [] };
  const url = pollingUrl(session.url, session.path, { EIO: String(open.protocol), sid: open.sid });
  for (let sent = 0; sent < followUpRequests; sent += 1) {
    const reply = await request(session, url, 'POST', encodePacket('noop', open.protocol));
    if ('failure' in reply) {
      result.errors.push(describeFailure(reply.failure, url));
    } else if (reply.response.status === 200) {
      result.accepted += 1;
    } else if (parseEngineError(reply.response.body)?.code === unknownSessionCode) {
      result.lost += 1;
    } else {
      result.errors.push(
        `${url.href}: HTTP ${reply.response.status} ${reply.response.body.slice(0, 80)}`,
      );
    }
  }
  return result;
}

/**
 * Finds out whether the server still takes engine.io 3 clients (socket.io 2), which a
 * socket.io 4 server does only with `allowEIO3: true`. Null when the response
 * shows neither.
 */
async function acceptsProtocol3(session: Session): Promise<boolean | null> {
  const reply = await request(session, pollingUrl(session.url, session.path, { EIO: '3' }), 'GET');
  if ('failure' in reply) return null;
  const open = parseOpenPacket(reply.response.body);
  if (reply.response.status === 200 && open) {
    await closeSession(session, open);
    return true;
  }
  return reply.response.status === 400 ? false : null;
}

/** Ends a probe session so that the server does not keep it until its ping timeout. */
async function closeSession(session: Session, open: OpenPacket): Promise<void> {
  const url = pollingUrl(session.url, session.path, { EIO: String(open.protocol), sid: open.sid });
  await request(session, url, 'POST', encodePacket('close', open.protocol));
}
