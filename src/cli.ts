import { Command, CommanderError, Option } from 'commander';
import type { Context, GlobalOptions } from './context.js';
import { ExitCode, WrError, type ExitCodeValue } from './errors.js';
import type { CommandResult } from './command.js';
import { version } from './version.js';
import { checkIds } from './health/checks/index.js';

/** A command module as the CLI sees it; its data type is the module's own business. */
interface CommandModule {
  run(
    options: never,
    context: Context,
  ): Promise<Omit<CommandResult<never>, 'data'> & { data: unknown }>;
}
type Loader = () => Promise<CommandModule>;

interface Outcome {
  exitCode: ExitCodeValue;
}

/** Builds the commander program. Handlers are imported only when their command runs. */
export function buildProgram(
  run: (load: Loader, options: object, command: Command) => Promise<void>,
) {
  const program = new Command('wr')
    .description(
      'Operator toolkit for WhatRestaurant: diagnose and repair whatsapp-web.js connections',
    )
    .version(version, '-V, --version')
    .option(
      '-c, --config <file>',
      'config file (default: $WR_CONFIG, ./wr.config.json, /etc/wr/config.json)',
    )
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--no-color', 'print without colours')
    .option('-q, --quiet', 'print only the result')
    .option('-v, --verbose', 'print more detail')
    .showHelpAfterError('(run wr --help for usage)')
    .exitOverride();

  program
    .command('doctor')
    .description('run every health check concurrently and print one row per check with its remedy')
    .addOption(new Option('--check <id...>', 'run only these checks').choices(checkIds))
    .option('--timeout <duration>', 'time limit of each check, e.g. 10s', '10s')
    .addHelpText(
      'after',
      `\nChecks: ${checkIds.join(', ')}.\nExit code 0 when no check fails, 1 otherwise, 2 on a configuration error.`,
    )
    .action((options, command) => run(() => import('../commands/doctor.js'), options, command));

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

  return program;
}

/** Runs the CLI once and returns the exit code; it never exits the process itself. */
export async function runCli(argv: string[], signal: AbortSignal): Promise<ExitCodeValue> {
  const outcome: Outcome = { exitCode: ExitCode.ok };
  let context: Context | undefined;

  // The context, config loader and renderers load only when a command runs,
  // so that `wr --help` starts fast.
  const program = buildProgram(async (load, options, command) => {
    const { createContext } = await import('./context.js');
    const { renderResult } = await import('./output/render.js');
    context = createContext(command.optsWithGlobals() as GlobalOptions, process, signal);
    const module = await load();
    const result = await module.run(options as never, context);
    renderResult(result.data as never, result.view, context.output, context.streams);
    outcome.exitCode = result.exitCode;
  });

  try {
    await program.parseAsync(argv);
    return outcome.exitCode;
  } catch (error) {
    return handleError(error, context, argv);
  }
}

async function handleError(
  error: unknown,
  context: Context | undefined,
  argv: string[],
): Promise<ExitCodeValue> {
  if (error instanceof CommanderError) {
    const done = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
    return done.includes(error.code) ? ExitCode.ok : ExitCode.usage;
  }
  if (context?.signal.aborted) return ExitCode.interrupted;

  const { createContext } = await import('./context.js');
  const { renderError } = await import('./output/render.js');
  const globals = { json: argv.includes('--json'), color: !argv.includes('--no-color') };
  const output = context ?? createContext(globals, process, new AbortController().signal);
  if (error instanceof WrError) {
    renderError(error, output.output, output.streams);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  const bug = new WrError('INTERNAL', `unexpected error: ${detail}`, {
    hint: 'this is a bug in wr; report it with the output above',
  });
  renderError(bug, output.output, output.streams);
  return ExitCode.failure;
}
