import os from 'node:os';
import confirm from '@inquirer/confirm';
import type { CommandResult } from '../src/command.js';
import type { Context } from '../src/context.js';
import { lazyDockerEngine } from '../src/docker/engine.js';
import type { DockerEngine } from '../src/docker/types.js';
import { inspectCredentials } from '../src/disk/credentials.js';
import {
  assertSafeCredentialsRoot,
  deleteFolder,
  planPrune,
  type PruneFolder,
} from '../src/disk/prune.js';
import { ExitCode, usageError } from '../src/errors.js';
import { resolvePaths } from '../src/health/paths.js';
import { scanBrowsers } from '../src/host/browsers.js';
import { formatBytes } from '../src/output/format.js';
import { createProgress } from '../src/output/progress.js';
import { pruneView } from '../src/output/views/prune.js';

export interface PruneOptions {
  dryRun?: boolean;
  yes?: boolean;
}

export interface PruneReport {
  dryRun: boolean;
  credentialsPath: string;
  folders: PruneFolder[];
  /** Bytes freed, or in a dry run the bytes a deletion would free. */
  reclaimedBytes: number;
  /** Limits of the scan, such as container processes that could not be matched. */
  warnings: string[];
}

/** Lists credential folders and deletes those that belong to no connection and no browser. */
export async function run(
  options: PruneOptions,
  context: Context,
): Promise<CommandResult<PruneReport>> {
  const { config } = context.config();
  const docker = lazyDockerEngine(config.docker.host as string);
  const paths = await resolvePaths(config, docker);
  if (!paths.credentials) {
    throw usageError(
      'CREDENTIALS_UNKNOWN',
      `credentials path unknown: ${paths.problems.join('; ') || 'paths.credentials is not set'}`,
      'set paths.credentials in wr.config.json to the LocalAuth data folder (.wwebjs_auth)',
    );
  }
  const root = await assertSafeCredentialsRoot(paths.credentials.path);

  const listing = await listFolders(root, docker, context);
  const dryRun = Boolean(options.dryRun);
  const toDelete = planned(listing);
  if (dryRun || toDelete.length === 0) return result(listing, dryRun, toDelete);
  if (!(await confirmed(listing, options, context))) return result(declined(listing), false, []);

  const fresh = await listFolders(root, docker, context);
  const folders = await deletePlanned(root, listing.folders, fresh.folders, context.signal);
  const removed = folders.filter(
    (folder) => folder.action === 'deleted' || folder.action === 'failed',
  );
  return result({ ...fresh, folders }, false, removed);
}

function declined(listing: Listing): Listing {
  const folders = listing.folders.map((folder) =>
    folder.action === 'delete'
      ? { ...folder, action: 'skipped' as const, reason: 'deletion not confirmed' }
      : folder,
  );
  return { ...listing, folders };
}

interface Listing {
  credentialsPath: string;
  folders: PruneFolder[];
  warnings: string[];
}

async function listFolders(
  root: string,
  docker: () => DockerEngine,
  context: Context,
): Promise<Listing> {
  const { config } = context.config();
  const progress = createProgress(context.output, context.streams.stderr);
  progress.start('scanning browser processes');
  try {
    const scan = await scanBrowsers({ procRoot: context.procRoot, docker, signal: context.signal });
    progress.update(`sizing the folders under ${root}`);
    const inspected = await inspectCredentials({
      credentialsPath: root,
      config,
      scan,
      hostname: os.hostname(),
      signal: context.signal,
    });
    return { credentialsPath: root, folders: planPrune(inspected), warnings: scan.problems };
  } finally {
    progress.stop();
  }
}

async function confirmed(listing: Listing, options: PruneOptions, context: Context) {
  if (options.yes) return true;
  if (!context.streams.stdin.isTTY) {
    throw usageError(
      'CONFIRMATION_REQUIRED',
      'stdin is not a terminal, so the deletion cannot be confirmed',
      'rerun with --yes to delete without confirmation, or --dry-run to only list',
    );
  }
  context.streams.stderr.write(
    `${pruneView(result(listing, true, planned(listing)).data, context.output)}\n`,
  );
  const folders = planned(listing);
  const bytes = formatBytes(folders.reduce((sum, folder) => sum + folder.bytes, 0));
  const noun = folders.length === 1 ? 'folder' : 'folders';
  return confirm(
    { message: `Delete ${folders.length} credential ${noun} (${bytes})?`, default: false },
    { input: context.streams.stdin, output: context.streams.stderr, signal: context.signal },
  );
}

function planned(listing: Listing): PruneFolder[] {
  return listing.folders.filter((folder) => folder.action === 'delete');
}

/**
 * Deletes the planned folders that a fresh listing, taken after the
 * confirmation, still plans to delete. A folder that a browser or a
 * connection took in the meantime is skipped.
 */
async function deletePlanned(
  root: string,
  before: PruneFolder[],
  after: PruneFolder[],
  signal: AbortSignal,
): Promise<PruneFolder[]> {
  const now = new Map(after.map((folder) => [folder.path, folder]));
  const outcomes: PruneFolder[] = [];
  for (const folder of before) {
    if (folder.action !== 'delete') {
      outcomes.push(folder);
      continue;
    }
    const current = now.get(folder.path);
    if (signal.aborted || !current || current.action !== 'delete') {
      const reason = signal.aborted
        ? 'interrupted before deletion'
        : `changed since the listing: ${current?.reason ?? 'no longer present'}`;
      outcomes.push({ ...folder, action: 'skipped', reason });
      continue;
    }
    outcomes.push(await deleteFolder(root, current));
  }
  return outcomes;
}

function result(
  listing: Listing,
  dryRun: boolean,
  counted: PruneFolder[],
): CommandResult<PruneReport> {
  const reclaimedBytes = counted.reduce((sum, folder) => sum + reclaimedBy(folder), 0);
  const failed = listing.folders.some((folder) => folder.action === 'failed');
  return {
    data: {
      dryRun,
      credentialsPath: listing.credentialsPath,
      folders: listing.folders,
      reclaimedBytes,
      warnings: listing.warnings,
    },
    exitCode: failed ? ExitCode.failure : ExitCode.ok,
    view: pruneView,
  };
}

function reclaimedBy(folder: PruneFolder): number {
  if (folder.action === 'delete' || folder.action === 'deleted') return folder.bytes;
  return folder.freedBytes ?? 0;
}
