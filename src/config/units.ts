const durationUnits: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const sizeUnits: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

/**
 * Parses a duration such as `90s`, `3d`, `1h30m` or `250ms` into
 * milliseconds. A bare number is taken as seconds. Returns undefined when the
 * text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;

  const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/y;
  let total = 0;
  let offset = 0;
  while (offset < trimmed.length) {
    part.lastIndex = offset;
    const match = part.exec(trimmed);
    if (!match) return undefined;
    total += Number(match[1]) * (durationUnits[match[2] as string] as number);
    offset = part.lastIndex;
  }
  return offset > 0 ? total : undefined;
}

/** Parses a size such as `512MiB`, `2G` or `1500` (bytes) into bytes. */
export function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const unit = sizeUnits[match[2] || 'b'];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}
