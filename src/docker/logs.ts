import type Dockerode from 'dockerode';

/**
 * Returns the last `lines` lines a container wrote to stdout and stderr.
 * Without a TTY the engine frames each chunk with an 8-byte header (stream
 * type, 3 zero bytes, big-endian length); with a TTY the bytes are raw.
 */
export async function tailLogs(
  docker: Dockerode,
  id: string,
  lines: number,
  tty: boolean,
  signal: AbortSignal,
): Promise<string[]> {
  const body = (await docker.getContainer(id).logs({
    stdout: true,
    stderr: true,
    follow: false,
    tail: lines,
    abortSignal: signal,
  } as Dockerode.ContainerLogsOptions & { follow: false })) as Buffer | string;
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const text = tty ? buffer.toString('utf8') : demultiplex(buffer);
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line, index, all) => line !== '' || index < all.length - 1)
    .slice(-lines);
}

/** Joins the payloads of the engine's framed log stream, stdout and stderr alike. */
export function demultiplex(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString('utf8');
}
