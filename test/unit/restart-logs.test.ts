import { describe, expect, test } from 'vitest';
import { demultiplex } from '../../src/docker/logs.js';

/** Frames `text` as the engine does on a container without a TTY: stream 1 stdout, 2 stderr. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('demultiplex', () => {
  test('logs join stdout and stderr frames', () => {
    const body = Buffer.concat([frame(1, 'starting\n'), frame(2, 'oops\n'), frame(1, 'exit\n')]);
    expect(demultiplex(body)).toBe('starting\noops\nexit\n');
  });

  test('logs drop a truncated frame', () => {
    const body = Buffer.concat([frame(1, 'whole\n'), frame(2, 'cut').subarray(0, 5)]);
    expect(demultiplex(body)).toBe('whole\n');
  });

  test('logs keep multibyte text', () => {
    expect(demultiplex(frame(1, 'conexión lista\n'))).toBe('conexión lista\n');
  });
});
