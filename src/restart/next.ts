import type { RestartRequest, RestartResult } from './restart.js';

/** Builds the next command for the operator after a restart that did not go well, else null. */
export function describeNext(
  result: Omit<RestartResult, 'next'>,
  request: Pick<RestartRequest, 'services'>,
): string | null {
  const again = request.services ? `wr restart ${request.services.join(' ')}` : 'wr restart --all';
  if (result.status === 'dry-run') return `${again} to run this plan`;
  if (result.error?.code === 'DOCKER_UNREACHABLE') {
    const stopped = result.containers.filter((outcome) => outcome.start !== 'ready');
    const names = stopped.map((outcome) => outcome.container).join(', ');
    return `start the Docker engine (systemctl start docker), then rerun ${again}; not started: ${names || 'none'}`;
  }
  const down = result.containers.filter((outcome) => outcome.start === 'failed');
  if (down.length > 0) {
    const services = [...new Set(down.map((outcome) => outcome.service))];
    const logs = down.map((outcome) => `docker logs ${outcome.container}`).join(', ');
    return `read the logs (${logs}), fix the cause, then wr restart ${services.join(' ')}`;
  }
  const sync = result.sync;
  if (sync && sync.status !== 'skipped' && sync.pending.length > 0) {
    const scans = sync.pending.filter((connection) => connection.state === 'QR');
    if (scans.length > 0) {
      return scans.map((connection) => `wr connection reset ${connection.id}`).join(', ');
    }
    return 'wr connection list, then wr connection reset <id> for a connection that does not connect';
  }
  return null;
}
