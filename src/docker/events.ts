import type Dockerode from 'dockerode';
import type { EngineEvent } from './types.js';

/**
 * Streams the engine's container events for `ids` until `signal` aborts or
 * the engine closes the stream. The engine writes one JSON object per line.
 */
export async function* containerEvents(
  docker: Dockerode,
  ids: string[],
  signal: AbortSignal,
  since?: Date,
): AsyncGenerator<EngineEvent> {
  const filters = { type: ['container'], container: ids };
  const options: Record<string, unknown> = { filters, abortSignal: signal };
  if (since) options.since = Math.floor(since.getTime() / 1000);
  const stream = (await docker.getEvents(options)) as NodeJS.ReadableStream & {
    destroy(): void;
  };
  let pending = '';
  try {
    for await (const chunk of stream) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() !== '') yield toEngineEvent(JSON.parse(line) as RawEvent);
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    stream.destroy();
  }
}

interface RawEvent {
  Action: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  id?: string;
  timeNano?: number;
  time?: number;
}

function toEngineEvent(raw: RawEvent): EngineEvent {
  const attributes = raw.Actor?.Attributes ?? {};
  const timeMs = raw.timeNano ? raw.timeNano / 1e6 : (raw.time ?? 0) * 1000;
  return {
    action: raw.Action,
    id: raw.Actor?.ID ?? raw.id ?? '',
    name: attributes.name ?? '',
    attributes,
    time: new Date(Math.floor(timeMs)),
  };
}
