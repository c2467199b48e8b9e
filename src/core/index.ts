export { Connection, qrNotScanned, type ConnectionOptions } from './connection.js';
export { ConnectionPool, type PoolOptions } from './pool.js';
export { silentLogger, type Logger } from './logger.js';
export { loadProfile, launchArgs, type Profile } from './profiles.js';
export { defaultTiming, type ConnectionTiming } from './timing.js';
export type * from './types.js';
