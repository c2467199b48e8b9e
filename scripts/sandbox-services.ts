// The sandbox's long-running servers on 127.0.0.1: a socket.io 4 service and
// a stub of the npm registry. Started detached by scripts/sandbox.ts, which
// reads their URLs from the JSON line printed on stdout and stops this
// process by its pid.
import { startRegistryStub } from '../test/harness/registry-stub.js';
import { startSocketIoServer } from '../test/harness/socket-servers.js';

const socketService = await startSocketIoServer('v4');
const registry = await startRegistryStub({ latest: '1.34.7', versions: ['1.23.0', '1.26.0'] });
console.log(JSON.stringify({ socketServiceUrl: socketService.url, registryUrl: registry.url }));

async function stop(): Promise<void> {
  await Promise.all([socketService.close(), registry.close()]);
  process.exitCode = 0;
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
