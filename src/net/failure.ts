import { errnoCode } from '../errors.js';
import { formatDuration } from '../output/format.js';

/** Class of a network request failure; each class calls for a different action by the operator. */
export type FailureKind = 'dns' | 'refused' | 'tls' | 'timeout' | 'http' | 'network';

export interface NetworkFailure {
  kind: FailureKind;
  /** Node.js error code (ENOTFOUND, ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, ...), or null. */
  code: string | null;
  /** HTTP status for kind "http", else null. */
  status: number | null;
  message: string;
  /** Time from the start of the request to the failure, in milliseconds. */
  elapsedMs: number;
}

/** Error codes of our own request helper: its timer fired, or the caller's signal aborted. */
export const timeoutCode = 'WR_REQUEST_TIMEOUT';
export const abortCode = 'ABORT_ERR';

const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const timeoutCodes = new Set([timeoutCode, abortCode, 'ETIMEDOUT']);
// Certificate codes come from OpenSSL's X509 verification. EPROTO is what Node reports for some
// handshake failures, for example a TLS client talking to a plain HTTP port.
const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'EPROTO',
]);

/** Classifies an error thrown by a request into a failure kind. */
export function classifyError(error: unknown, elapsedMs: number): NetworkFailure {
  const code = errnoCode(error) ?? null;
  const message = error instanceof Error ? error.message : String(error);
  return { kind: kindOfCode(code), code, status: null, message, elapsedMs };
}

function kindOfCode(code: string | null): FailureKind {
  if (code === null) return 'network';
  if (dnsCodes.has(code)) return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (timeoutCodes.has(code)) return 'timeout';
  if (tlsCodes.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
    return 'tls';
  }
  return 'network';
}

/** Builds the failure for an HTTP response with an unexpected status. */
export function httpFailure(status: number, message: string, elapsedMs: number): NetworkFailure {
  return { kind: 'http', code: null, status, message, elapsedMs };
}

/** Says in one sentence what failed on `url`, with the code or status. */
export function describeFailure(failure: NetworkFailure, url: URL): string {
  const code = failure.code ? ` (${failure.code})` : '';
  switch (failure.kind) {
    case 'dns':
      return `${url.href}: DNS lookup of ${url.hostname} failed${code}`;
    case 'refused':
      return `${url.href}: connection refused on port ${portOf(url)}${code}`;
    case 'tls':
      return `${url.href}: TLS handshake failed${code}: ${failure.message}`;
    case 'timeout':
      return `${url.href}: no response within ${formatDuration(failure.elapsedMs)}`;
    case 'http':
      return `${url.href}: HTTP ${failure.status} ${failure.message}${billingNote(failure.status)}`;
    case 'network':
      return `${url.href}: request failed${code}: ${failure.message}`;
  }
}

/** Whether a status is one that cloud hosts return for a disabled or unpaid service. */
export function isBillingStatus(status: number | null): boolean {
  return status === 402 || status === 403;
}

function billingNote(status: number | null): string {
  if (!isBillingStatus(status)) return '';
  return '; a 402 or 403 from a cloud host often means the service was disabled or its bill is unpaid, which the administration can confirm';
}

/** Returns the port a URL connects to, with the scheme's default filled in. */
export function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80;
}
