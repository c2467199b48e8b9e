import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { abortCode, classifyError, timeoutCode, type NetworkFailure } from './failure.js';

export interface HttpRequestOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Host name resolver with the signature of dns.lookup, injected by tests. */
  lookup?: LookupFunction;
  /** Signal that aborts the request at the caller's deadline. */
  signal: AbortSignal;
  /** Limit for this one request, in milliseconds. */
  timeoutMs: number;
  /** Maximum body bytes keptBytes. The rest is dropped and the connection closed. */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Time from the start of the request to the end of the body, in milliseconds. */
  latencyMs: number;
}

/** An HTTP response, or the failure that prevented one. */
export type ProbeResult = { response: HttpResponse } | { failure: NetworkFailure };

const defaultMaxBodyBytes = 64 * 1024;

/**
 * Sends one HTTP(S) request on its own connection and returns the response, or
 * the classified failure when there is none. Never throws for network errors.
 */
export async function probe(url: URL, options: HttpRequestOptions): Promise<ProbeResult> {
  const started = performance.now();
  try {
    return { response: await httpRequest(url, options) };
  } catch (error) {
    return { failure: classifyError(error, Math.round(performance.now() - started)) };
  }
}

/**
 * Sends one HTTP(S) request and reads the body. Rejects with a Node.js system
 * error, or with code `WR_REQUEST_TIMEOUT` or `ABORT_ERR` when the timer or
 * the signal ends it first.
 */
export function httpRequest(url: URL, options: HttpRequestOptions): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      reject(codedError(abortCode, 'aborted before the request started'));
      return;
    }
    const started = performance.now();
    const request = startRequest(url, options);

    // The first reason wins, so a timeout that ends the request mid-body is reported as a timeout
    // whichever error Node emits first: the request's or the response's "aborted" ECONNRESET.
    let reason: Error | undefined;
    const stop = (error: Error) => {
      reason ??= error;
      request.destroy(reason);
    };
    const onAbort = () => stop(codedError(abortCode, 'aborted by the caller'));
    const timer = setTimeout(() => {
      stop(codedError(timeoutCode, `no response within ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    options.signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error) => {
      settle();
      reject(reason ?? error);
    };

    request.on('error', fail);
    request.on('response', (response) => {
      readBody(response, options.maxBodyBytes ?? defaultMaxBodyBytes).then((body) => {
        settle();
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          headers: response.headers,
          body,
          latencyMs: Math.round(performance.now() - started),
        });
      }, fail);
    });
    request.end(options.body);
  });
}

function startRequest(url: URL, options: HttpRequestOptions): http.ClientRequest {
  const headers = { ...options.headers };
  if (options.body !== undefined)
    headers['Content-Length'] = String(Buffer.byteLength(options.body));
  const client = url.protocol === 'https:' ? https : http;
  // NOTE: agent false opens a fresh connection per request, so latency includes the TCP and
  // TLS setup and no idle keep-alive socket outlives the check.
  return client.request(url, {
    method: options.method ?? 'GET',
    headers,
    lookup: options.lookup,
    agent: false,
  });
}

function readBody(response: http.IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let keptBytes = 0;
    response.on('data', (chunk: Buffer) => {
      if (keptBytes >= maxBytes) return;
      chunks.push(chunk.subarray(0, maxBytes - keptBytes));
      keptBytes += Math.min(chunk.length, maxBytes - keptBytes);
      if (keptBytes >= maxBytes) {
        resolve(Buffer.concat(chunks).toString('utf8'));
        response.destroy();
      }
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('close', () => {
      if (!response.complete) reject(codedError('ECONNRESET', 'connection closed mid-body'));
    });
  });
}

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
