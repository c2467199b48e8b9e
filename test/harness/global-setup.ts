import type { TestProject } from 'vitest/node';
import { startDockerd } from './dockerd.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `unix://` host of the run's private dockerd, or null when it could not start. */
    dockerHost: string | null;
    /** Why the private dockerd could not start; tests that need it fail with this message. */
    dockerError: string | null;
  }
}

/**
 * Starts one private dockerd for the whole test run and hands its host to
 * tests through provide/inject. A failure to start does not stop tests that
 * need no engine; the others fail with the recorded reason (see
 * requireDockerHost in compose.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = performance.now();
  try {
    const dockerd = await startDockerd();
    project.provide('dockerHost', dockerd.host);
    project.provide('dockerError', null);
    if (process.env.WR_TEST_VERBOSE) {
      console.error(
        `private dockerd (${dockerd.storageDriver}) ready in ${Math.round(performance.now() - started)} ms`,
      );
    }
    return () => dockerd.stop();
  } catch (error) {
    project.provide('dockerHost', null);
    project.provide('dockerError', (error as Error).message);
    return async () => {};
  }
}
