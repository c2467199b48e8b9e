import confirm from '@inquirer/confirm';
import path from 'node:path';
import type { CommandResult } from '../src/command.js';
import { clientIdOf, sessionFolderName } from '../src/config/client-id.js';
import type { Config, ConnectionConfig } from '../src/config/schema.js';
import type { Context } from '../src/context.js';
import { ControlClient, controlTarget } from '../src/control/client.js';
import { rejectNewerSession } from '../src/debug-args/chromium-version.js';
import { pauseOnHost, type HostPause } from '../src/debug-args/host.js';
import { offlineEstimateMs, profilesToTry, watchDuration } from '../src/debug-args/plan.js';
import {
  saveProfileInConfig,
  saveProfileOnHost,
  type SavedProfile,
} from '../src/debug-args/save.js';
import { runProfile, type ProfileReport } from '../src/debug-args/run-profile.js';
import { ExitCode, usageError } from '../src/errors.js';
import { formatDuration } from '../src/output/format.js';
import { renderQr } from '../src/output/qr.js';
import { debugArgsView } from '../src/output/views/debug-args.js';

export interface DebugArgsOptions {
  /** Connection id, the command's argument. */
  id: string;
  profile: string;
  watch?: string;
  yes?: boolean;
  exhaustive?: boolean;
  force?: boolean;
  save?: boolean;
}

export interface DebugArgsResult {
  type: 'result';
  id: string;
  reports: ProfileReport[];
  /** First profile that held, or null. */
  holding: string | null;
  /** Whether the host paused the connection and whether it was started again. */
  host: { paused: boolean; alreadyPaused: boolean; resumed: boolean; error: string | null };
  /** Changes --save made, or null when nothing was saved. */
  saved: SavedProfile | null;
  interrupted: boolean;
  /** Next command for the operator, or null. */
  next: string | null;
}

/** Time allowed for the QR scan and ready of each profile. */
const readyTimeoutMs = 5 * 60_000;

/**
 * Pauses connection `id` on the host, runs it locally with each requested
 * profile, watching for disconnects after ready, and resumes it on the host
 * when done, on failure and on Ctrl-C. Exit code 0 when a profile held.
 */
export async function run(
  options: DebugArgsOptions,
  context: Context,
): Promise<CommandResult<DebugArgsResult>> {
  const { config, file } = context.config();
  const connection = configuredConnection(config, options.id);
  const credentialsDir = credentialsOf(config);
  const sessionDir = path.join(credentialsDir, sessionFolderName(clientIdOf(config, options.id)));
  const watchMs = watchDuration(options.watch);
  const names = await profilesToTry(config, options.profile);
  if (!(await confirmed(names, watchMs, options, context))) {
    return finish(emptyResult(options.id, { paused: false, alreadyPaused: false }), context);
  }
  if (!options.force) await rejectNewerSession(sessionDir, config.chromium.executablePath);

  const client = new ControlClient(controlTarget(config.control));
  const pause = await pauseOnHost(client, options.id, sessionDir, context.procRoot);
  const result = emptyResult(options.id, pause);
  try {
    for (const profile of names) {
      if (context.signal.aborted) break;
      progress(context, { type: 'starting', profile }, `profile ${profile}: starting Chromium`);
      const report = await runProfile({
        config,
        connection,
        credentialsDir,
        profile,
        watchMs,
        readyTimeoutMs,
        signal: context.signal,
        onQr: (qr) => showQr(qr, profile, context),
        onReady: (readyMs) => {
          const text = `profile ${profile}: ready after ${formatDuration(readyMs)}, watching for ${formatDuration(watchMs)}`;
          progress(context, { type: 'ready', profile, readyMs }, text);
        },
      });
      progress(context, { type: 'report', report }, `profile ${profile}: ${report.verdict}`);
      result.reports.push(report);
      if (report.verdict === 'held' && result.holding === null) result.holding = profile;
      if (result.holding !== null && !options.exhaustive) break;
    }
    if (options.save && result.holding !== null) {
      result.saved = await save(client, pause, file, options.id, result.holding);
    }
  } finally {
    await resume(pause, result);
  }
  return finish(result, context);
}

function configuredConnection(config: Config, id: string): ConnectionConfig {
  const connection = config.connections.find((entry) => entry.id === id);
  if (connection) return connection;
  throw usageError(
    'CONNECTION_NOT_FOUND',
    `connection "${id}" is not in the config's "connections"`,
    'add it to "connections" in the config file, or run wr connection list',
  );
}

function credentialsOf(config: Config): string {
  if (config.paths.credentials) return config.paths.credentials;
  throw usageError(
    'CONFIG_MISSING',
    'paths.credentials is missing from the config, so the session folder is unknown',
    'set "paths": { "credentials": "/path/to/.wwebjs_auth" } in the config file',
  );
}

async function confirmed(
  names: string[],
  watchMs: number,
  options: DebugArgsOptions,
  context: Context,
): Promise<boolean> {
  if (names.length === 1 || options.yes) return true;
  const estimate = formatDuration(offlineEstimateMs(names.length, watchMs));
  const message = `trying ${names.length} profiles (${names.join(', ')}) may keep connection ${options.id} offline for up to ${estimate}`;
  if (!context.streams.stdin.isTTY) {
    throw usageError(
      'CONFIRMATION_REQUIRED',
      `${message}, and stdin is not a terminal to confirm it`,
      `rerun with --yes, or try one profile with --profile <name>`,
    );
  }
  return confirm(
    { message: `${message}. Go on?`, default: false },
    { input: context.streams.stdin, output: context.streams.stderr, signal: context.signal },
  );
}

/** Records the holding profile in the config file, and on the host when it paused the connection. */
async function save(
  client: ControlClient,
  pause: HostPause,
  file: string | null,
  id: string,
  profile: string,
): Promise<SavedProfile> {
  const inConfig = await saveProfileInConfig(file, id, profile);
  const hostError = pause.paused
    ? await saveProfileOnHost(client, id, profile)
    : `control API at ${pause.address} was unreachable`;
  return { profile, ...inConfig, host: hostError === null, hostError };
}

async function resume(pause: HostPause, result: DebugArgsResult): Promise<void> {
  if (!pause.paused) return;
  try {
    await pause.resume();
    result.host.resumed = true;
  } catch (error) {
    result.host.error = error instanceof Error ? error.message : String(error);
  }
}

/** Prints one progress line: NDJSON on stdout with --json, else text on stderr unless quiet. */
function progress(context: Context, event: Record<string, unknown>, text: string): void {
  if (context.output.json) {
    context.streams.stdout.write(`${JSON.stringify(event)}\n`);
  } else if (!context.output.quiet) {
    context.streams.stderr.write(`${text}\n`);
  }
}

function showQr(qr: string, profile: string, context: Context): void {
  if (context.output.json) {
    context.streams.stdout.write(`${JSON.stringify({ type: 'qr', profile, qr })}\n`);
    return;
  }
  context.streams.stderr.write(
    `Scan this QR with the phone of the connection (profile ${profile}):\n${renderQr(qr)}`,
  );
}

function emptyResult(
  id: string,
  { paused, alreadyPaused }: Pick<HostPause, 'paused' | 'alreadyPaused'>,
): DebugArgsResult {
  return {
    type: 'result',
    id,
    reports: [],
    holding: null,
    host: { paused, alreadyPaused, resumed: false, error: null },
    saved: null,
    interrupted: false,
    next: null,
  };
}

function finish(result: DebugArgsResult, context: Context): CommandResult<DebugArgsResult> {
  result.interrupted = context.signal.aborted;
  result.next = nextStep(result);
  // The CLI prints no result after Ctrl-C, so the command prints it here.
  if (result.interrupted) {
    const text = context.output.json
      ? `${JSON.stringify(result)}\n`
      : `${debugArgsView(result, context.output)}\n`;
    (context.output.json ? context.streams.stdout : context.streams.stderr).write(text);
  }
  return {
    data: result,
    exitCode: result.holding !== null ? ExitCode.ok : ExitCode.failure,
    view: debugArgsView,
  };
}

function nextStep(result: DebugArgsResult): string | null {
  if (result.host.error !== null) return `wr connection reset ${result.id}`;
  if (result.saved !== null && !result.saved.host) return `wr connection reset ${result.id}`;
  if (result.holding !== null && !result.saved) {
    return `wr debug-args ${result.id} --profile ${result.holding} --save to keep it`;
  }
  if (result.holding !== null) return null;
  if (result.reports.length === 1) return `wr debug-args ${result.id} --profile all`;
  return null;
}
