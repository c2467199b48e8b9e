import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';

/**
 * Runs `command` in a running container without a TTY and returns its exit
 * code and stdout. The engine multiplexes stdout and stderr on one stream;
 * dockerode's demuxer splits them and stderr is dropped.
 */
export async function runExec(
  docker: Dockerode,
  id: string,
  command: string[],
  signal: AbortSignal,
): Promise<{ exitCode: number; stdout: string }> {
  const execution = await docker.getContainer(id).exec({
    Cmd: command,
    AttachStdout: true,
    AttachStderr: true,
    abortSignal: signal,
  } as Dockerode.ExecCreateOptions);
  const stream = await execution.start({ hijack: true, stdin: false, abortSignal: signal });
  const stdout = await readStdout(docker, stream, signal);
  const exitCode = await waitForExitCode(execution, signal);
  return { exitCode, stdout };
}

function readStdout(
  docker: Dockerode,
  stream: NodeJS.ReadableStream & { destroy(error?: Error): void },
  signal: AbortSignal,
): Promise<string> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  docker.modem.demuxStream(stream, stdout, new PassThrough().resume());

  return new Promise((resolve, reject) => {
    const onAbort = () => stream.destroy(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('error', reject);
    stream.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Polls the exec until the engine records its exit code; it may lag the end of the stream. */
async function waitForExitCode(execution: Dockerode.Exec, signal: AbortSignal): Promise<number> {
  for (;;) {
    const info = await execution.inspect({ abortSignal: signal });
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, 20));
    signal.throwIfAborted();
  }
}
