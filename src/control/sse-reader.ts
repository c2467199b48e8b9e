import type { ConnectionEvent } from '../core/types.js';

/**
 * Parses a Server-Sent Events body into the JSON events the control server
 * sends. Comment lines (heartbeats) and fields other than `data` are
 * skipped; the event type is read from the JSON itself.
 */
export async function* parseEvents(
  body: AsyncIterable<Buffer | string>,
): AsyncGenerator<ConnectionEvent> {
  let buffer = '';
  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const event = parseBlock(block);
      if (event) yield event;
      boundary = buffer.indexOf('\n\n');
    }
  }
}

function parseBlock(block: string): ConnectionEvent | undefined {
  const data = block
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart())
    .join('\n');
  if (data === '') return undefined;
  return JSON.parse(data) as ConnectionEvent;
}
