import type { CommandResult } from '../src/command.js';
import type { Context } from '../src/context.js';
import { ControlClient, controlTarget } from '../src/control/client.js';
import type { ConnectionSnapshot } from '../src/core/types.js';
import { ExitCode } from '../src/errors.js';
import { connectionsView } from '../src/output/views/connections.js';

export interface ConnectionList {
  /** Socket path or URL of the host that returned the list. */
  host: string;
  connections: ConnectionSnapshot[];
}

/** Lists the connections of the host with their state, browser and memory. */
export async function run(
  _options: object,
  context: Context,
): Promise<CommandResult<ConnectionList>> {
  const { config } = context.config();
  const client = new ControlClient(controlTarget(config.control));
  const connections = await client.list({ signal: context.signal });
  return {
    data: { host: client.address, connections },
    exitCode: ExitCode.ok,
    view: connectionsView,
  };
}
