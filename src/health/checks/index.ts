import type { Check } from '../types.js';

/** Every doctor check in report order; each module is imported only when its check runs. */
export const checkLoaders: Record<string, () => Promise<Check>> = {
  docker: async () => (await import('./docker.js')).dockerCheck,
  ram: async () => (await import('./ram.js')).ramCheck,
  disk: async () => (await import('./disk.js')).diskCheck,
  credentials: async () => (await import('./credentials.js')).credentialsCheck,
  connections: async () => (await import('./connections.js')).connectionsCheck,
  'socket-service': async () => (await import('./socket-service.js')).socketServiceCheck,
  library: async () => (await import('./library.js')).libraryCheck,
};

export const checkIds = Object.keys(checkLoaders);

/** Imports the check with this id; ids come from the CLI's validated choices. */
export async function loadCheck(id: string): Promise<Check> {
  const loader = checkLoaders[id];
  if (!loader) throw new Error(`unknown check id "${id}"`);
  return loader();
}
