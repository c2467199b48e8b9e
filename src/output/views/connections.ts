import type { ConnectionList } from '../../../commands/connection-list.js';
import type { ResetResult } from '../../../commands/connection-reset.js';
import type { ConnectionSnapshot, ConnectionState } from '../../core/types.js';
import { describeState } from '../events.js';
import { formatBytes, formatDuration } from '../format.js';
import { createChalk, type OutputOptions } from '../style.js';
import { createTable } from '../table.js';

const healthy: ConnectionState[] = ['CONNECTED'];
const transient: ConnectionState[] = ['STARTING', 'QR', 'SYNCING', 'STOPPED'];

/** Renders the host's connections as a table: id, name, state, reason, profile, browser pid, PSS, uptime. */
export function connectionsView(list: ConnectionList, options: OutputOptions): string {
  if (list.connections.length === 0) return `the host at ${list.host} runs no connections`;
  const chalk = createChalk(options);
  const paint = (state: ConnectionState) =>
    healthy.includes(state)
      ? chalk.green(state)
      : transient.includes(state)
        ? chalk.yellow(state)
        : chalk.red(state);
  const table = createTable(
    ['id', 'name', 'state', 'reason', 'profile', 'browser pid', 'PSS', 'uptime'],
    [8, 20, 14, 18, 10, 13, 10, 10],
    options,
  );
  for (const connection of list.connections) {
    table.push([
      connection.id,
      connection.name ?? '',
      `${paint(connection.state)}${connection.busy ? chalk.dim(' (busy)') : ''}`,
      connection.reason ?? '',
      connection.profile,
      connection.browserPid === null ? '' : String(connection.browserPid),
      memoryCell(connection),
      connection.uptimeSeconds === null ? '' : formatDuration(connection.uptimeSeconds * 1000),
    ]);
  }
  return table.toString();
}

function memoryCell(connection: ConnectionSnapshot): string {
  const memory = connection.memory;
  if (!memory) return '';
  if (memory.pssBytes !== null) return formatBytes(memory.pssBytes);
  // Without access to smaps_rollup only RSS is known, and it counts shared pages twice.
  return memory.rssBytes === null ? 'unreadable' : `RSS ${formatBytes(memory.rssBytes)}`;
}

/** Renders one line on how the reset ended, and the next step when it did not connect. */
export function resetView(result: ResetResult, options: OutputOptions): string {
  const chalk = createChalk(options);
  const took = formatDuration(result.durationMs);
  const state = describeState(result.state, result.reason);
  const lines: string[] = [];
  if (result.outcome === 'connected') {
    lines.push(`${chalk.green('connected')}: connection ${result.id} is CONNECTED after ${took}`);
  } else if (result.outcome === 'timeout') {
    lines.push(
      `${chalk.red('timed out')}: connection ${result.id} reset timed out after ${took}, ${state}`,
    );
  } else if (result.outcome === 'failed') {
    lines.push(
      `${chalk.red('failed')}: connection ${result.id} reset failed after ${took}: ${state}`,
    );
  }
  if (result.next) lines.push(`${chalk.dim('next:')} ${result.next}`);
  return lines.join('\n');
}
