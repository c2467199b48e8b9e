import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { timeCommands } from './timing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Times `wr --help` against `node -e 0`, the cost of starting Node.js alone. */
export function benchHelp(rounds = 30): {
  nodeMs: number;
  helpMs: number;
  ratio: number;
  rounds: number;
} {
  const medians = timeCommands(
    [
      { name: 'node', argv: [process.execPath, '-e', '0'] },
      { name: 'help', argv: [process.execPath, path.join(root, 'bin/wr'), '--help'] },
    ],
    rounds,
  );
  const nodeMs = medians.node as number;
  const helpMs = medians.help as number;
  return { nodeMs, helpMs, ratio: helpMs / nodeMs, rounds };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(benchHelp(), null, 2));
}
