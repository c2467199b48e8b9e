import { defaultConfigFiles, loadConfig, type LoadedConfig } from './config/load.js';
import { renderWarning } from './output/render.js';
import type { OutputOptions } from './output/style.js';
import type { Streams } from './output/render.js';

/**
 * The outside world a command uses. Tests build one with their
 * own streams, environment, /proc root and clock.
 */
export interface Context {
  output: OutputOptions;
  streams: Streams & { stdin: NodeJS.ReadableStream & { isTTY?: boolean } };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Root of the proc filesystem; tests may point it elsewhere. */
  procRoot: string;
  now: () => Date;
  /** Aborted on Ctrl-C, so long waits can stop cleanly. */
  signal: AbortSignal;
  config: () => LoadedConfig;
}

export interface GlobalOptions {
  config?: string;
  project?: string;
  dockerHost?: string;
  json?: boolean;
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Builds the context of one CLI run from the process and the global options. */
export function createContext(
  globals: GlobalOptions,
  process: Pick<NodeJS.Process, 'env' | 'cwd' | 'stdout' | 'stderr' | 'stdin'>,
  signal: AbortSignal,
): Context {
  const interactive = Boolean(process.stdout.isTTY);
  const color = globals.color !== false && interactive && !process.env.NO_COLOR;
  let loaded: LoadedConfig | undefined;
  const output: OutputOptions = {
    json: Boolean(globals.json),
    color,
    quiet: Boolean(globals.quiet),
    verbose: Boolean(globals.verbose),
    interactive,
    columns: process.stdout.columns,
  };
  const streams = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
  return {
    output,
    streams,
    env: process.env,
    cwd: process.cwd(),
    procRoot: '/proc',
    now: () => new Date(),
    signal,
    config: () => {
      if (loaded) return loaded;
      const overrides = { project: globals.project, 'docker.host': globals.dockerHost };
      loaded = loadConfig({
        file: globals.config,
        env: process.env,
        cwd: process.cwd(),
        overrides,
      });
      if (output.verbose && loaded.file) {
        streams.stderr.write(`config: ${loaded.file}\n`);
      }
      if (!loaded.file) {
        const looked = defaultConfigFiles.join(', ');
        const message = `no config file found (looked for ${looked}); using defaults and WR_* variables. Pass --config or set WR_CONFIG`;
        renderWarning(message, output, streams);
      }
      return loaded;
    },
  };
}
