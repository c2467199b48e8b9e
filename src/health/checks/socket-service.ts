import type { LookupFunction } from 'node:net';
import { probeSocketService } from '../../net/socket-probe.js';
import type { Check, CheckOutcome } from '../types.js';
import { rejected, unreachable, websocketOnly } from './socket-service/failed-handshake.js';
import { opened } from './socket-service/opened.js';

/** Limit of each request and of the websocket connection, in milliseconds. */
const requestTimeoutMs = 5000;

/**
 * Time kept between the last request's end and the runner's deadline, in
 * milliseconds, so that a request that times out is reported by this check,
 * with its URL, before the runner gives up on the check. A tenth of the time
 * left is kept instead when that is shorter, so that a short doctor timeout
 * still leaves the requests most of it.
 */
// NOTE: chosen, not measured. Building the outcome is quick, so the margin is mostly for timers
// that fire late on a busy event loop.
const deadlineMarginMs = 250;

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
      deadline: requestDeadline(environment.deadline),
    });
    if (result.stage === 'unreachable')
      return unreachable(url, path, result.handshakeUrl, result.failure);
    if (result.stage === 'rejected') return rejected(url, path, result);
    if (result.stage === 'websocket-only') return websocketOnly(url, result);
    return opened(url, result);
  },
};

/** Returns the time by which the probe's requests must end, a margin before `deadline`. */
function requestDeadline(deadline: number | undefined): number | undefined {
  if (deadline === undefined) return undefined;
  const timeLeftMs = deadline - Date.now();
  return deadline - Math.max(0, Math.min(deadlineMarginMs, timeLeftMs / 10));
}

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
