import type { LookupFunction } from 'node:net';
import { httpFailure, type NetworkFailure } from './failure.js';
import { probe } from './http.js';

export interface RegistryOptions {
  lookup?: LookupFunction;
  signal: AbortSignal;
  timeoutMs: number;
}

/** The newest version of a package on a registry, or the failure to learn it. */
export type LatestVersion =
  { version: string; url: URL; latencyMs: number } | { failure: NetworkFailure; url: URL };

/** Media type of the abbreviated packument, which npm itself requests and which leaves out readmes. */
const abbreviatedType = 'application/vnd.npm.install-v1+json';
// NOTE: a guessed limit with a wide margin, since a registry that ignores the Accept header
// sends the full packument, which grows with every published version.
const maxPackumentBytes = 32 * 1024 * 1024;

/** Builds the packument URL of `name` under `registry`, keeping any path the registry URL has. */
export function packumentUrl(registry: string, name: string): URL {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  return new URL(name.replace('/', '%2f'), base);
}

/** Requests the packument of `name` and returns its dist-tags.latest. Never throws for network errors. */
export async function fetchLatestVersion(
  registry: string,
  name: string,
  options: RegistryOptions,
): Promise<LatestVersion> {
  const url = packumentUrl(registry, name);
  const result = await probe(url, {
    headers: { Accept: `${abbreviatedType}; q=1.0, application/json; q=0.8` },
    lookup: options.lookup,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    maxBodyBytes: maxPackumentBytes,
  });
  if ('failure' in result) return { failure: result.failure, url };

  const { response } = result;
  if (response.status !== 200) {
    return { failure: httpFailure(response.status, response.statusText, response.latencyMs), url };
  }
  const latest = distTagLatest(response.body);
  if (!latest) {
    const failure = httpFailure(200, 'but the body has no dist-tags.latest', response.latencyMs);
    return { failure, url };
  }
  return { version: latest, url, latencyMs: response.latencyMs };
}

function distTagLatest(body: string): string | null {
  try {
    const latest = (JSON.parse(body) as { 'dist-tags'?: { latest?: unknown } })['dist-tags']
      ?.latest;
    return typeof latest === 'string' && latest !== '' ? latest : null;
  } catch {
    return null;
  }
}

interface ParsedVersion {
  release: number[];
  prerelease: string[];
}

/** Parses a semantic version such as `1.34.7` or `v2.0.0-rc.1+build`; null for anything else. */
function parseVersion(text: string): ParsedVersion | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(
    text.trim(),
  );
  if (!match) return null;
  return {
    release: [Number(match[1]), Number(match[2]), Number(match[3])],
    prerelease: match[4] ? match[4].split('.') : [],
  };
}

/**
 * Compares two semantic versions by the precedence rules of semver 2.0.0:
 * negative when `a` is older, positive when newer, 0 when equal, null when
 * either is not a version.
 */
export function compareVersions(a: string, b: string): number | null {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) return null;
  for (let i = 0; i < 3; i += 1) {
    const difference = (left.release[i] as number) - (right.release[i] as number);
    if (difference !== 0) return Math.sign(difference);
  }
  return comparePrerelease(left.prerelease, right.prerelease);
}

/** Compares pre-release identifiers: a release ranks above its pre-releases, digits compare as numbers. */
function comparePrerelease(left: string[], right: string[]): number {
  if (left.length === 0 || right.length === 0) return Math.sign(right.length - left.length);
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const a = left[i];
    const b = right[i];
    if (a === undefined) return -1;
    if (b === undefined) return 1;
    if (a === b) continue;
    const numeric = /^\d+$/.test(a) && /^\d+$/.test(b);
    if (numeric) return Math.sign(Number(a) - Number(b));
    if (/^\d+$/.test(a)) return -1;
    if (/^\d+$/.test(b)) return 1;
    return a < b ? -1 : 1;
  }
  return 0;
}
