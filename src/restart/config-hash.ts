import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import type { ContainerInfo } from '../docker/types.js';

const configHashLabel = 'com.docker.compose.config-hash';
const workingDirLabel = 'com.docker.compose.project.working_dir';
const configFilesLabel = 'com.docker.compose.project.config_files';

/** Time limit of one compose CLI run, in milliseconds. */
const composeTimeoutMs = 15_000;

/** Result of comparing the services' config-hash labels with the compose file. */
export interface ConfigDrift {
  /** Whether the comparison ran; false when no compose CLI or compose file was found. */
  checked: boolean;
  /** Why it did not run, or null. */
  reason: string | null;
  /** Services whose containers were created from another configuration than the compose file's. */
  changed: string[];
}

/** The two ways the compose CLI is installed: the docker plugin, or the standalone binary. */
const composeCommands: Array<[string, string[]]> = [
  ['docker', ['compose']],
  ['docker-compose', []],
];

/**
 * Asks the compose CLI for the configuration hash of each service
 * (`config --hash '*'`, compose v2) from the compose files named in the
 * containers' labels, and lists the services whose containers carry another
 * hash: a restart keeps their old configuration, so they need recreating.
 */
export async function findConfigDrift(
  containers: ContainerInfo[],
  project: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<ConfigDrift> {
  const labels = containers[0]?.labels ?? {};
  const workingDir = labels[workingDirLabel];
  const files = (labels[configFilesLabel] ?? '').split(',').filter((file) => file !== '');
  if (!workingDir || files.length === 0) {
    return skipped('the containers name no compose file (com.docker.compose.project.config_files)');
  }
  for (const file of files) {
    if (!(await exists(file))) return skipped(`compose file ${file} is not on this machine`);
  }
  const args = ['--project-name', project, '--project-directory', workingDir];
  for (const file of files) args.push('--file', file);
  args.push('config', '--hash', '*');

  const output = await runCompose(args, env, signal);
  if (typeof output !== 'string') return skipped(output.reason);
  return { checked: true, reason: null, changed: compareHashes(containers, parseHashes(output)) };
}

/** Parses `service hash` lines of `config --hash`. */
export function parseHashes(output: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const line of output.split('\n')) {
    const [service, hash] = line.trim().split(/\s+/);
    if (service && hash) hashes.set(service, hash);
  }
  return hashes;
}

/** Lists services with a container whose config-hash label differs from the compose file's hash. */
export function compareHashes(containers: ContainerInfo[], hashes: Map<string, string>): string[] {
  const changed = new Set<string>();
  for (const container of containers) {
    const expected = hashes.get(container.service);
    const actual = container.labels[configHashLabel];
    if (expected && actual && expected !== actual) changed.add(container.service);
  }
  return [...changed].sort();
}

async function runCompose(
  args: string[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<string | { reason: string }> {
  const failures: string[] = [];
  for (const [command, prefix] of composeCommands) {
    const result = await execute(command, [...prefix, ...args], env, signal);
    if (typeof result === 'string') return result;
    failures.push(`${[command, ...prefix].join(' ')}: ${result.reason}`);
  }
  return { reason: `no compose CLI answered (${failures.join('; ')})` };
}

function execute(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<string | { reason: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env, signal, timeout: composeTimeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const code = (error as NodeJS.ErrnoException).code;
        const message = stderr.trim().split('\n')[0] || error.message;
        resolve({ reason: code === 'ENOENT' ? 'not installed' : message });
      },
    );
  });
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function skipped(reason: string): ConfigDrift {
  return { checked: false, reason, changed: [] };
}
