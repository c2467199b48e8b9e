import { spawnSync } from 'node:child_process';

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Times whole processes: runs each command `rounds` times, alternating
 * between them so that machine noise hits both alike, and returns the median
 * wall time of each in milliseconds.
 */
export function timeCommands(
  commands: Array<{ name: string; argv: string[]; cwd?: string }>,
  rounds: number,
): Record<string, number> {
  const samples = new Map<string, number[]>(commands.map((command) => [command.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const command of commands) {
      const started = process.hrtime.bigint();
      const result = spawnSync(command.argv[0] as string, command.argv.slice(1), {
        cwd: command.cwd,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0) {
        throw new Error(`${command.argv.join(' ')} exited ${result.status}: ${result.stderr}`);
      }
      samples.get(command.name)?.push(elapsed);
    }
  }
  return Object.fromEntries([...samples].map(([name, values]) => [name, median(values)]));
}
