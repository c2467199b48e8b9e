import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ZodIssue } from 'zod';
import { errnoCode, usageError } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { envOverrides, setKey } from './env.js';

export const defaultConfigFiles = ['wr.config.json', '/etc/wr/config.json'];
const defaultDockerSocket = 'unix:///var/run/docker.sock';

export interface LoadConfigOptions {
  /** `--config` from the command line. */
  file?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Values from command-line flags, as dotted keys; they win over everything. */
  overrides?: Record<string, unknown>;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, or null when only defaults and environment apply. */
  file: string | null;
  /** Where `docker.host` came from, for messages. */
  dockerHostSource: 'flag' | 'WR_DOCKER_HOST' | 'config' | 'DOCKER_HOST' | 'default';
}

/**
 * Loads the config with this precedence, highest first: command-line flags,
 * WR_* environment variables, the config file, defaults. The Docker host
 * falls back to DOCKER_HOST and then the standard socket when none of those
 * names one.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const file = locateConfigFile(options);
  const raw = file ? readConfigFile(file) : {};
  const fileHadDockerHost = hasDockerHost(raw);

  // Where each overridden key came from, so that errors blame the right source.
  const sources = new Map<string, string>();
  for (const { name, key, type } of envOverrides) {
    const value = options.env[name];
    if (value === undefined || value === '') continue;
    setKey(raw, key, type === 'number' ? parseEnvNumber(name, value) : value);
    sources.set(key, `environment variable ${name}`);
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setKey(raw, key, value);
    sources.set(key, `command-line option for ${key}`);
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw configError(file, parsed.error.issues, raw, sources);
  const config = parsed.data;
  checkConnections(file, config);

  let dockerHostSource: LoadedConfig['dockerHostSource'] = 'config';
  if (options.overrides?.['docker.host'] !== undefined) dockerHostSource = 'flag';
  else if (options.env.WR_DOCKER_HOST) dockerHostSource = 'WR_DOCKER_HOST';
  else if (!fileHadDockerHost) {
    dockerHostSource = options.env.DOCKER_HOST ? 'DOCKER_HOST' : 'default';
    config.docker.host = options.env.DOCKER_HOST || defaultDockerSocket;
  }
  return { config, file, dockerHostSource };
}

function locateConfigFile(options: LoadConfigOptions): string | null {
  const chosen = options.file ?? options.env.WR_CONFIG;
  if (chosen) {
    const absolute = path.resolve(options.cwd, chosen);
    const origin = options.file ? '--config' : 'WR_CONFIG';
    try {
      readFileSync(absolute);
    } catch (error) {
      throw usageError(
        'CONFIG_NOT_FOUND',
        `config file ${absolute} (from ${origin}) cannot be read: ${errnoCode(error) ?? String(error)}`,
        'check the path, or copy wr.config.example.json and edit it',
      );
    }
    return absolute;
  }
  for (const candidate of defaultConfigFiles) {
    const absolute = path.resolve(options.cwd, candidate);
    try {
      readFileSync(absolute);
      return absolute;
    } catch {
      // Try the next default location.
    }
  }
  return null;
}

function readConfigFile(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usageError(
      'CONFIG_INVALID',
      `${file}: invalid JSON: ${(error as Error).message}`,
      'fix the syntax; a JSON file has no comments and no trailing commas',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usageError('CONFIG_INVALID', `${file}: expected a JSON object at the top level`);
  }
  return value as Record<string, unknown>;
}

function hasDockerHost(raw: Record<string, unknown>): boolean {
  const docker = raw.docker;
  return typeof docker === 'object' && docker !== null && 'host' in docker;
}

function parseEnvNumber(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number)) {
    throw usageError(
      'CONFIG_INVALID',
      `environment variable ${name}="${value}": expected a number`,
      `set ${name} to a number, or unset it to use the config file`,
    );
  }
  return number;
}

function valueAt(raw: Record<string, unknown>, issuePath: Array<string | number>): unknown {
  let node: unknown = raw;
  for (const part of issuePath) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function describeIssue(
  issue: ZodIssue,
  raw: Record<string, unknown>,
  sources: Map<string, string>,
): string {
  const key = issue.path.join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const prefix = issue.path.length ? `${issue.path.join('.')}.` : '';
    const keys = issue.keys.map((unknown) => `"${prefix}${unknown}"`).join(', ');
    return `unknown key ${keys}`;
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined') {
    return `key "${key}": missing, expected ${issue.expected}`;
  }
  const value = JSON.stringify(valueAt(raw, issue.path));
  const source = sources.get(key);
  return `key "${key}" = ${value}${source ? ` (from ${source})` : ''}: ${issue.message}`;
}

function configError(
  file: string | null,
  issues: ZodIssue[],
  raw: Record<string, unknown>,
  sources: Map<string, string>,
) {
  const where = file ?? 'configuration (no file; defaults and WR_* variables)';
  const lines = issues.map((issue) => `  ${describeIssue(issue, raw, sources)}`);
  const fromEnvironment = issues.some((issue) => sources.has(issue.path.join('.')));
  const hint = fromEnvironment
    ? 'fix the environment variables or options named above, or unset them to use the file'
    : 'fix the keys listed above; wr.config.example.json shows every key';
  return usageError('CONFIG_INVALID', `${where} is invalid:\n${lines.join('\n')}`, hint);
}

function checkConnections(file: string | null, config: Config): void {
  const seen = new Set<string>();
  const issues: string[] = [];
  config.connections.forEach((connection, index) => {
    if (seen.has(connection.id))
      issues.push(`key "connections.${index}.id": duplicate id "${connection.id}"`);
    seen.add(connection.id);
    const clientId = config.clientIdPattern.replace('{id}', connection.id);
    if (!/^[-_\w]+$/.test(clientId)) {
      issues.push(
        `key "connections.${index}.id": clientId "${clientId}" must contain only letters, digits, "_" and "-"`,
      );
    }
  });
  if (issues.length === 0) return;
  throw usageError(
    'CONFIG_INVALID',
    `${file ?? 'configuration'} is invalid:\n${issues.map((line) => `  ${line}`).join('\n')}`,
    'give every connection a distinct id made of letters, digits, "_" or "-"',
  );
}
