import { readFileSync } from 'node:fs';

// This module runs from src/ under tests and from dist/src/ when built, so
// package.json is one or two levels up.
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const text = readFileSync(new URL(relative, import.meta.url), 'utf8');
      const parsed = JSON.parse(text) as { name?: string; version?: string };
      if (parsed.name === 'wr' && parsed.version) return parsed.version;
    } catch {
      // Not at this level; try the next.
    }
  }
  return '0.0.0';
}

export const version = readVersion();
