import { runCli } from './run-cli.js';

// The single exit path of wr: every command returns its exit code here.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

// runCli returns 130 itself when a signal interrupts a command, and the
// command's own code when the signal is how it ends (wr serve).
const exitCode = await runCli(process.argv, controller.signal);

// Sockets kept alive by HTTP agents would hold the process open; flush
// stdout, then exit.
process.stdout.write('', () => process.exit(exitCode));
