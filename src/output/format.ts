const binaryUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Formats a byte count as `1.2 GiB`. */
export function formatBytes(bytes: number): string {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < binaryUnits.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${bytes < 0 ? '-' : ''}${value.toFixed(digits)} ${binaryUnits[unit]}`;
}

/** Formats milliseconds as `3m 10s`, `2d 4h` or `850 ms`, keeping the two largest units. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  let seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [name, size] of units) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${name}`);
      seconds %= size;
    }
  }
  return parts.slice(0, 2).join(' ');
}

/** Formats a ratio in 0..1 as a whole percentage. */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
}

/** Formats a count with its noun, adding "s" unless the count is one: `1 check`, `3 checks`. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? noun : pluralNoun}`;
}
