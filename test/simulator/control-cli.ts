// Sends one command to the simulator page of a running Chromium and prints
// the result as JSON, for tests and people outside the process that launched
// the browser:
//   node --import tsx test/simulator/control-cli.ts <user-data-dir> <command> [state]
// Commands: state, qr, rotate-qr, scan, drop <state>, logout-from-phone,
// freeze, matching-rule.
import { connectSimulator, type SimulatorController } from './controller.js';

const commands: Record<string, (simulator: SimulatorController, argument?: string) => unknown> = {
  state: (simulator) => simulator.state(),
  qr: (simulator) => simulator.qr(),
  'rotate-qr': (simulator) => simulator.rotateQr(),
  scan: (simulator) => simulator.scan(),
  drop: (simulator, state) => {
    if (!state) throw new Error('missing state for drop, such as CONFLICT');
    return simulator.drop(state);
  },
  'logout-from-phone': (simulator) => simulator.logoutFromPhone(),
  freeze: (simulator) => simulator.freeze(),
  'matching-rule': (simulator) => simulator.matchingRule(),
};

async function main(argv: string[]): Promise<number> {
  const [userDataDir, name, argument] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (!userDataDir || !command) {
    process.stderr.write(
      `usage: control-cli.ts <user-data-dir> <${Object.keys(commands).join('|')}> [state]\n`,
    );
    return 2;
  }

  const simulator = await connectSimulator(userDataDir);
  try {
    const result = await command(simulator, argument);
    process.stdout.write(`${JSON.stringify(result ?? null)}\n`);
    return 0;
  } finally {
    await simulator.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
