import { Command, Option } from 'commander';
import type { Context } from './context.js';
import type { CommandResult } from './command.js';
import { checkIds } from './health/checks/index.js';
import { version } from './version.js';

/** A command module as the CLI sees it; its data type is the module's own business. */
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
