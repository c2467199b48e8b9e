import { readFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { errnoCode } from '../../errors.js';
import { describeFailure } from '../../net/failure.js';
import { compareVersions, fetchLatestVersion, type LatestVersion } from '../../net/registry.js';
import { rebuildServiceCommand } from '../remedies.js';
import type { Check, CheckEnvironment, CheckOutcome } from '../types.js';

const packageName = 'whatsapp-web.js';
const manifestPath = `node_modules/${packageName}/package.json`;
/** Folder of the app in a Whaticket-style backend image, tried when the working directory has no modules. */
const defaultAppFolder = '/usr/src/app';
/** Limit of the registry request, in milliseconds. */
const registryTimeoutMs = 5000;

/** The installed version and where it was read. */
interface Installed {
  version: string;
  source: string;
}

/** The installed version, if found, and every place looked at with what was found there. */
interface InstalledSearch {
  installed: Installed | null;
  searched: string[];
}

export const libraryCheck: Check = {
  id: 'library',
  title: 'whatsapp-web.js library',
  async run(environment) {
    const [search, latest] = await Promise.all([
      findInstalled(environment),
      fetchLatestVersion(environment.config.npmRegistry, packageName, {
        lookup: environment.lookup as LookupFunction | undefined,
        signal: environment.signal,
        timeoutMs: registryTimeoutMs,
      }),
    ]);
    return evaluate(environment.config, search, latest);
  },
};

/** Reads the installed version from `paths.app`, else from the backend service's running container. */
async function findInstalled(environment: CheckEnvironment): Promise<InstalledSearch> {
  const searched: string[] = [];
  const app = environment.config.paths.app;
  if (app) {
    const installed = await readFromFolder(app, environment.signal, searched);
    if (installed) return { installed, searched };
  } else {
    searched.push('paths.app is not set');
  }
  const installed = await readFromContainer(environment, searched);
  return { installed, searched };
}

async function readFromFolder(
  app: string,
  signal: AbortSignal,
  searched: string[],
): Promise<Installed | null> {
  const file = path.join(app, manifestPath);
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', signal });
  } catch (error) {
    searched.push(
      `${file}: ${errnoCode(error) === 'ENOENT' ? 'not found' : (error as Error).message}`,
    );
    return null;
  }
  const version = manifestVersion(text);
  if (!version) searched.push(`${file}: no "version" in the JSON`);
  return version ? { version, source: file } : null;
}

function manifestVersion(text: string): string | null {
  try {
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' && version !== '' ? version : null;
  } catch {
    return null;
  }
}

/**
 * Reads the manifest inside the backend service's running container. `cat`
 * runs in the container's working directory first, then in /usr/src/app.
 */
async function readFromContainer(
  environment: CheckEnvironment,
  searched: string[],
): Promise<Installed | null> {
  const { project, backendService } = environment.config;
  const signal = environment.signal;
  if (!project) {
    searched.push('no backend container to read from, because "project" is not set');
    return null;
  }
  let backend;
  try {
    const containers = await environment.docker().listProjectContainers(project, { signal });
    backend = containers.find((c) => c.service === backendService && c.state === 'running');
  } catch (error) {
    searched.push(`containers of compose project "${project}": ${(error as Error).message}`);
    return null;
  }
  if (!backend) {
    searched.push(
      `no running container of service "${backendService}" in compose project "${project}"`,
    );
    return null;
  }

  for (const file of [manifestPath, path.posix.join(defaultAppFolder, manifestPath)]) {
    const place = `${file} in container ${backend.name}${file === manifestPath ? ' (working directory)' : ''}`;
    try {
      const { exitCode, stdout } = await environment.docker().exec(backend.id, ['cat', file], {
        signal,
      });
      const version = exitCode === 0 ? manifestVersion(stdout) : null;
      if (version) return { version, source: place };
      searched.push(`${place}: ${exitCode === 0 ? 'no "version" in the JSON' : 'not found'}`);
    } catch (error) {
      searched.push(`${place}: ${(error as Error).message}`);
      return null;
    }
  }
  return null;
}

function evaluate(config: Config, search: InstalledSearch, latest: LatestVersion): CheckOutcome {
  const details = detailsOf(config, search, latest);
  const pinned = webVersionNote(config);
  const { installed } = search;
  if (!installed) {
    return {
      status: 'warn',
      summary: `${packageName} version not found; looked at: ${search.searched.join('; ')}`,
      details,
      remedy: `set paths.app in wr.config.json to the backend folder that contains node_modules, or start the ${config.backendService} container`,
    };
  }

  const found = `${packageName} ${installed.version} installed (${installed.source})`;
  if ('failure' in latest) {
    return {
      status: 'skip',
      summary: `${found}; newest version unknown: ${describeFailure(latest.failure, latest.url)}${pinned}`,
      details,
      remedy: `check npmRegistry in wr.config.json (${config.npmRegistry}) and the network path to it`,
    };
  }
  const outcome = compareWithLatest(config, found, installed, latest.version, details);
  return { ...outcome, summary: outcome.summary + pinned };
}

function compareWithLatest(
  config: Config,
  found: string,
  installed: Installed,
  latest: string,
  details: Record<string, unknown>,
): CheckOutcome {
  const order = compareVersions(installed.version, latest);
  if (order === null) {
    return {
      status: 'warn',
      summary: `${found}; cannot compare it with ${latest}, the newest on the registry`,
      details,
      remedy: null,
    };
  }
  if (order < 0) {
    const service = config.backendService;
    return {
      status: 'warn',
      summary: `${found}, older than ${latest} on the registry; WhatsApp Web updates break older versions of ${packageName}`,
      details,
      remedy: `npm install ${packageName}@${latest} in the backend, then rebuild and recreate it: ${rebuildServiceCommand(config.project, service)}`,
    };
  }
  const relation = order === 0 ? 'the newest' : `newer than ${latest}, the newest`;
  return { status: 'ok', summary: `${found}, ${relation} on the registry`, details, remedy: null };
}

function webVersionNote(config: Config): string {
  const webVersion = config.whatsapp.webVersion;
  return webVersion ? `; WhatsApp Web pinned to ${webVersion}` : '';
}

function detailsOf(
  config: Config,
  search: InstalledSearch,
  latest: LatestVersion,
): Record<string, unknown> {
  const failure = 'failure' in latest ? latest.failure : null;
  const order =
    search.installed && !failure
      ? compareVersions(search.installed.version, (latest as { version: string }).version)
      : null;
  return {
    installed: search.installed?.version ?? null,
    source: search.installed?.source ?? null,
    searched: search.searched,
    latest: 'version' in latest ? latest.version : null,
    registry: latest.url.href,
    registryFailure: failure && { kind: failure.kind, code: failure.code, status: failure.status },
    outdated: order === null ? null : order < 0,
    webVersion: config.whatsapp.webVersion ?? null,
    webVersionCache: config.whatsapp.webVersionCache?.type ?? null,
  };
}
