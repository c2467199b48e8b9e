import Table from 'cli-table3';
import type { OutputOptions } from './style.js';

// eslint-disable-next-line no-control-regex -- matches the SGR sequences chalk writes
const ansiEscape = /\x1b\[[0-9;]*m/g;

/**
 * Wraps text to `width` columns at spaces, and splits a word longer than the
 * column (a path, a command) instead of truncating it, so that every
 * character of a remedy can still be copied.
 */
export function wrapText(text: string, width: number): string {
  // Coloured cells (status words) are short; leaving them whole keeps their
  // escape codes intact.
  if (text.replace(ansiEscape, '').length <= width) return text;
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const pieces = word.match(new RegExp(`.{1,${width}}`, 'gu')) ?? [''];
      for (const piece of pieces) {
        if (line && line.length + 1 + piece.length > width) {
          lines.push(line);
          line = piece;
        } else {
          line = line ? `${line} ${piece}` : piece;
        }
      }
    }
    lines.push(line);
  }
  return lines.join('\n');
}

/** A table with fixed column widths whose cells are wrapped by `wrapText`. */
export function createTable(
  head: string[],
  colWidths: number[],
  options: Pick<OutputOptions, 'color'>,
): { push(cells: string[]): void; toString(): string } {
  const table = new Table({
    head,
    colWidths,
    style: { head: options.color ? ['bold'] : [], border: options.color ? ['grey'] : [] },
  });
  return {
    // Two columns of each width go to the cell padding.
    push: (cells) =>
      table.push(cells.map((cell, index) => wrapText(cell, (colWidths[index] ?? 12) - 2))),
    toString: () => table.toString(),
  };
}
