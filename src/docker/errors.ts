import { errnoCode, WrError } from '../errors.js';
import { formatDuration } from '../output/format.js';

/** Network errors that mean no engine listens at the configured address. */
const unreachableCodes = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'EACCES',
  'EPERM',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ENOTSOCK',
]);

const reasons: Record<string, string> = {
  ENOENT: 'the socket does not exist (ENOENT)',
  ECONNREFUSED: 'connection refused (ECONNREFUSED)',
  EACCES:
    'permission denied on the socket (EACCES); run as root or as a member of the docker group',
  EPERM: 'operation not permitted on the socket (EPERM)',
};

/** Builds the error every engine call throws when the engine does not respond. */
export function unreachableError(host: string, reason: string, cause?: unknown): WrError {
  return new WrError('DOCKER_UNREACHABLE', `Docker engine at ${host} is unreachable: ${reason}`, {
    hint:
      'start the engine (e.g. systemctl start docker), or point wr at the right one with ' +
      'docker.host in wr.config.json, WR_DOCKER_HOST or DOCKER_HOST',
    cause,
  });
}

/**
 * Translates an error of one engine call into a WrError: unreachable for
 * network failures and for `timedOut`, DOCKER_API for an error status.
 */
export function engineError(
  host: string,
  operation: string,
  error: unknown,
  timeoutMs: number,
  timedOut: boolean,
): WrError {
  if (timedOut) {
    return unreachableError(
      host,
      `${operation} request timed out after ${formatDuration(timeoutMs)}`,
    );
  }
  const code = errnoCode(error);
  if (code && unreachableCodes.has(code)) {
    return unreachableError(host, reasons[code] ?? `${operation} failed with ${code}`, error);
  }
  const status = statusCode(error);
  const message = error instanceof Error ? error.message.trim() : String(error);
  return new WrError(
    'DOCKER_API',
    `Docker engine at ${host}: ${operation} failed${status ? ` with HTTP ${status}` : ''}: ${message}`,
    { cause: error },
  );
}

/** Returns the HTTP status of a dockerode error, if the engine responded with one. */
export function statusCode(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const status = (error as { statusCode: unknown }).statusCode;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}
