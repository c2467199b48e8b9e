import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTreeMemory, type TreeMemory } from '../../src/host/memory.js';

const memoryModule = fileURLToPath(new URL('../../src/host/memory.ts', import.meta.url));
const nobody = '65534';

/** Runs readTreeMemory on `pid` in a node process of user nobody, which may not read root's smaps_rollup. */
function readAsNobody(pid: number): TreeMemory {
  const script = `import(${JSON.stringify(memoryModule)}).then(async (memory) =>
    process.stdout.write(JSON.stringify(await memory.readTreeMemory('/proc', [${pid}]))))`;
  let output: string;
  try {
    output = execFileSync(
      'setpriv',
      [
        `--reuid=${nobody}`,
        `--regid=${nobody}`,
        '--clear-groups',
        process.execPath,
        '--import',
        'tsx',
        '-e',
        script,
      ],
      { encoding: 'utf8' },
    );
  } catch (error) {
    throw new Error(
      `running as nobody needs root and setpriv (util-linux): ${(error as Error).message}`,
    );
  }
  return JSON.parse(output) as TreeMemory;
}

describe('process memory privileges', () => {
  let child: ChildProcess;

  beforeAll(() => {
    expect(process.getuid?.()).toBe(0);
    child = spawn('sleep', ['60'], { stdio: 'ignore' });
  });

  afterAll(() => {
    child.kill('SIGKILL');
  });

  it('memory as root reads PSS', async () => {
    const memory = await readTreeMemory('/proc', [child.pid!]);
    expect(memory.pssBytes).toBeGreaterThan(0);
    expect(memory.unreadable).toEqual([]);
  });

  it('memory without privileges names unreadable PSS', () => {
    const memory = readAsNobody(child.pid!);
    expect(memory.pssBytes).toBeNull();
    expect(memory.rssBytes).toBeGreaterThan(0);
    expect(memory.unreadable).toEqual([
      `PSS of pid ${child.pid}: smaps_rollup needs root or CAP_SYS_PTRACE`,
    ]);
  });
});
