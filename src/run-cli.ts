import { CommanderError } from 'commander';
import { buildProgram } from './cli.js';
import type { Context, GlobalOptions } from './context.js';
import { ExitCode, WrError, type ExitCodeValue } from './errors.js';

/** Runs the CLI once and returns the exit code; it never exits the process itself. */
export async function runCli(argv: string[], signal: AbortSignal): Promise<ExitCodeValue> {
  let exitCode: ExitCodeValue = ExitCode.ok;
  let context: Context | undefined;
  const json = argv.includes('--json');

  // The context, config loader and renderers load only when a command runs.
  const program = buildProgram(async (load, options, command) => {
    const { createContext } = await import('./context.js');
    const { renderResult } = await import('./output/render.js');
    context = createContext(command.optsWithGlobals() as GlobalOptions, process, signal);
    const module = await load();
    const result = await module.run(options as never, context);
    if (signal.aborted && !result.endsOnSignal) throw interrupted();
    renderResult(result.data as never, result.view, context.output, context.streams);
    exitCode = result.exitCode;
  }, json);

  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    return ExitCode.usage;
  }
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return handleError(error, context, argv);
  }
}

function interrupted(): WrError {
  return new WrError('INTERRUPTED', 'interrupted', { exitCode: ExitCode.interrupted });
}

async function handleError(
  error: unknown,
  context: Context | undefined,
  argv: string[],
): Promise<ExitCodeValue> {
  if (context?.signal.aborted) return ExitCode.interrupted;
  if (error instanceof CommanderError) {
    const done = ['commander.helpDisplayed', 'commander.version'];
    if (done.includes(error.code) || (error.code === 'commander.help' && error.exitCode === 0)) {
      return ExitCode.ok;
    }
    return usageFromCommander(error, argv);
  }

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

/** Commander already printed its message unless --json asked for a JSON error instead. */
function usageFromCommander(error: CommanderError, argv: string[]): ExitCodeValue {
  if (argv.includes('--json')) {
    const message = error.message.replace(/^error: /, '');
    const body = { error: { code: 'USAGE', message, hint: 'run wr --help for usage' } };
    process.stdout.write(`${JSON.stringify(body)}\n`);
  }
  return ExitCode.usage;
}
