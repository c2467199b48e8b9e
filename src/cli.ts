import { Command, Option } from 'commander';
import type { Context } from './context.js';
import type { CommandResult } from './command.js';
import { checkIds } from './health/checks/index.js';
import { version } from './version.js';

/** A command module as the CLI loads it. The type of its data is left to the module. */
export interface CommandModule {
  run(
    options: never,
    context: Context,
  ): Promise<Omit<CommandResult<never>, 'data'> & { data: unknown }>;
}
export type Loader = () => Promise<CommandModule>;
export type RunCommand = (load: Loader, options: object, command: Command) => Promise<void>;

/**
 * Builds the commander program. Command modules are imported only when their
 * command runs, so that `wr --help` stays fast.
 */
export function buildProgram(run: RunCommand, json: boolean): Command {
  const program = new Command('wr')
    .description(
      'Operator toolkit for WhatRestaurant: diagnose and repair whatsapp-web.js connections',
    )
    .version(version, '-V, --version')
    .option(
      '-c, --config <file>',
      'config file (default: $WR_CONFIG, ./wr.config.json, /etc/wr/config.json)',
    )
    .option('--project <name>', 'compose project name; overrides "project" of the config')
    .option('--docker-host <url>', 'Docker engine, unix:///path or tcp://host:port')
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--no-color', 'print without colours')
    .option('-q, --quiet', 'print only the result: no progress, no warnings, no healthy rows')
    .option('-v, --verbose', 'print more detail, such as the config file used and check details')
    .showHelpAfterError(json ? false : '(run wr --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      // With --json the error is printed as JSON by the caller instead.
      outputError: (text, write) => (json ? undefined : write(text)),
    })
    .exitOverride();

  registerDoctor(program, run);
  registerPruneCredentials(program, run);
  registerServe(program, run);
  registerConnection(program, run);
  registerProfiles(program, run);
  registerRestart(program, run);
  registerDebugArgs(program, run);
  return program;
}

function registerDoctor(program: Command, run: RunCommand): void {
  program
    .command('doctor')
    .description('run every health check concurrently and print one row per check with its remedy')
    .addOption(new Option('--check <id...>', 'run only these checks').choices(checkIds))
    .option('--timeout <duration>', 'time limit of each check, such as 10s or 1m', '10s')
    .addHelpText(
      'after',
      `\nChecks: ${checkIds.join(', ')}.\nExit code 0 when no check fails, 1 otherwise, 2 on a usage or configuration error.`,
    )
    .action((options, command) => run(() => import('../commands/doctor.js'), options, command));
}

function registerPruneCredentials(program: Command, run: RunCommand): void {
  program
    .command('prune-credentials')
    .description('delete credential folders that belong to no connection and no running browser')
    .option('--dry-run', 'show what would be deleted and change nothing')
    .option('-y, --yes', 'delete without asking for confirmation')
    .addHelpText(
      'after',
      '\nA folder is deleted only when it is a session-* directory inside paths.credentials,\nmatches no configured connection and no live Chromium uses it.',
    )
    .action((options, command) =>
      run(() => import('../commands/prune-credentials.js'), options, command),
    );
}

function registerServe(program: Command, run: RunCommand): void {
  program
    .command('serve')
    .description(
      'run the connection host in the foreground: every configured connection and the control API',
    )
    .option(
      '--listen <host:port>',
      'also serve the control API over TCP; requires control.token (or WR_CONTROL_TOKEN)',
    )
    .addHelpText(
      'after',
      '\nThe control API listens on control.socket (mode 0600). Logs go to stderr, one JSON\nobject a line when stderr is not a terminal. SIGTERM or Ctrl-C stops every connection.',
    )
    .action((options, command) => run(() => import('../commands/serve.js'), options, command));
}

function registerConnection(program: Command, run: RunCommand): void {
  const connection = program
    .command('connection')
    .description('list the connections of the host, or reset one and scan its new QR');
  connection
    .command('list')
    .description('list connections with state, reason, profile, browser pid, memory and uptime')
    .action((options, command) =>
      run(() => import('../commands/connection-list.js'), options, command),
    );
  connection
    .command('reset')
    .description('restart one connection, show its QR and wait until it is CONNECTED')
    .argument('<id>', 'connection id, as in the config')
    .option('--logout', 'also delete the session, so the connection needs a new QR scan')
    .option('--timeout <duration>', 'time to wait for CONNECTED, such as 90s or 10m', '5m')
    .addHelpText(
      'after',
      '\nA reset that is already running is joined, not repeated: a second call shows the same QR.\nCtrl-C stops watching; the reset goes on on the host. Exit code 0 when CONNECTED, 1 on\nfailure or timeout, 130 when interrupted.',
    )
    .action((id: string, options, command) =>
      run(() => import('../commands/connection-reset.js'), { ...options, id }, command),
    );
}

function registerProfiles(program: Command, run: RunCommand): void {
  const profiles = program
    .command('profiles')
    .description(
      'list the Chromium argument profiles, or show one with every argument it launches',
    );
  profiles
    .command('list')
    .description(
      'list the shipped profiles and those of profilesDir, with the connections using each',
    )
    .addHelpText(
      'after',
      '\nExit code 2 when a profile file is invalid; the list still shows the others.',
    )
    .action((options, command) =>
      run(() => import('../commands/profiles-list.js'), options, command),
    );
  profiles
    .command('show')
    .description(
      'show one profile and the arguments that the Chromium wrapper, puppeteer and whatsapp-web.js add',
    )
    .argument('<name>', 'profile name, as in "wr profiles list"')
    .addHelpText(
      'after',
      '\nRuns the configured Chromium executable with --version to read its wrapper flags and version.\nWith --verbose, also prints the whole command line.',
    )
    .action((name: string, options, command) =>
      run(() => import('../commands/profiles-show.js'), { ...options, name }, command),
    );
}

function registerRestart(program: Command, run: RunCommand): void {
  program
    .command('restart')
    .description(
      "restart the compose project's containers in dependency order, then wait for the connections to sync",
    )
    .argument(
      '[service...]',
      'compose services to restart; services that depend on one with restart: true come along',
    )
    .option('--all', 'restart every service of the compose project')
    .option('--dry-run', 'print the plan (order, containers, timeouts) and change nothing')
    .option(
      '--stop-timeout <duration>',
      'time from SIGTERM to SIGKILL for each container, in whole seconds',
      '10s',
    )
    .option(
      '--start-timeout <duration>',
      'time for each container to run and pass its healthcheck',
      '2m',
    )
    .option(
      '--sync-timeout <duration>',
      'time for the connections to reach CONNECTED after the restart',
      '5m',
    )
    .option('--no-wait', 'do not wait for the connections to sync')
    .option(
      '--if-uptime-over <duration>',
      'restart only when the backend service has been up longer, such as 3d',
    )
    .option(
      '--if-memory-over <percent>',
      'restart only when host memory in use is over this percentage, such as 85',
    )
    .option(
      '--print-schedule',
      'print a crontab line and systemd units that run wr restart --all --if-uptime-over <thresholds.uptime>',
    )
    .option(
      '--lock-dir <folder>',
      'folder of the restart lock (default: $WR_LOCK_DIR, then /run/wr)',
    )
    .addHelpText(
      'after',
      '\nWith both --if-* options, it restarts when either condition holds; otherwise it exits 0 and\nsays why. A second restart of the same project exits at once while the first one runs.\nExit code 0 when every container came back and the connections synced, 1 otherwise.',
    )
    .action((services: string[], options, command) =>
      run(() => import('../commands/restart.js'), { ...options, services }, command),
    );
}

function registerDebugArgs(program: Command, run: RunCommand): void {
  program
    .command('debug-args')
    .description(
      'pause a connection on the host and run it locally with Chromium argument profiles to find one that holds',
    )
    .argument('<id>', 'connection id, as in "wr connection list"')
    .requiredOption('--profile <name>', 'profile to try, or "all" to try each in turn')
    .option('--watch <duration>', 'time to watch for disconnects after ready', '3m')
    .option('-y, --yes', 'try every profile without asking for confirmation')
    .option('--exhaustive', 'with --profile all, go on after the first profile that holds')
    .option('--force', 'open a session folder written by a newer Chromium than the local one')
    .option('--save', 'record the holding profile in the config file and on the host')
    .addHelpText(
      'after',
      '\nThe connection is resumed on the host when done, on failure and on Ctrl-C.\nExit code 0 when a profile held, 1 when none did, 2 on a usage or profile error.',
    )
    .action((id: string, options, command) =>
      run(() => import('../commands/debug-args.js'), { ...options, id }, command),
    );
}
