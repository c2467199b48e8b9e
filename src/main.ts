import { runCli } from './run-cli.js';
import { ExitCode } from './errors.js';

// The single exit path of wr: every command returns its exit code here.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

const exitCode = controller.signal.aborted
  ? ExitCode.interrupted
  : await runCli(process.argv, controller.signal);
const finalCode = controller.signal.aborted ? ExitCode.interrupted : exitCode;

// Sockets kept alive by HTTP agents would hold the process open; flush
// stdout, then exit.
process.stdout.write('', () => process.exit(finalCode));
