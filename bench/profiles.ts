import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { configSchema } from '../src/config/schema.js';
import { listProfiles } from '../src/core/profiles/catalog.js';
import { runProfile, type ProfileReport } from '../src/debug-args/run-profile.js';
import {
  chromiumExecutable,
  connectSimulator,
  profileDirOf,
  sandboxChromiumArgs,
  writeSimulatorPage,
} from '../test/simulator/index.js';

/** How long each profile is watched after ready, in ms; long enough for a PSS reading. */
const watchMs = 5_000;

/**
 * Measures browser launch time and PSS per shipped profile the way
 * `wr debug-args` reports them: one session on the simulator, paired once,
 * then each profile run in turn on it with the no-network test flags added.
 */
export async function benchProfiles(): Promise<ProfileReport[]> {
  const folder = await mkdtemp(path.join(tmpdir(), 'wr-bench-profiles-'));
  const credentialsDir = path.join(folder, 'auth');
  const page = await writeSimulatorPage(path.join(folder, 'cache'));
  const config = configSchema.parse({
    connections: [{ id: '1' }],
    paths: { credentials: credentialsDir },
    chromium: { executablePath: chromiumExecutable, extraArgs: [...sandboxChromiumArgs] },
    whatsapp: page,
  });
  const connection = config.connections[0]!;
  const run = (profile: string, onQr?: () => void) =>
    runProfile({
      config,
      connection,
      credentialsDir,
      profile,
      watchMs,
      readyTimeoutMs: 60_000,
      signal: new AbortController().signal,
      onQr,
    });

  try {
    // Pair the session once, so that every measured run restores it like a real connection.
    await run('default', () => void scan(profileDirOf(credentialsDir, '1')));
    const shipped = await listProfiles({ connections: [] });
    const reports: ProfileReport[] = [];
    for (const entry of shipped) reports.push(await run(entry.name));
    return reports;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function scan(userDataDir: string): Promise<void> {
  const simulator = await connectSimulator(userDataDir);
  try {
    await simulator.scan();
  } finally {
    await simulator.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchProfiles(), null, 2));
}
