import { describe, expect, test } from 'vitest';
import { compareVersions, packumentUrl } from '../../src/net/registry.js';

describe('compareVersions', () => {
  const cases: Array<[string, string, number | null]> = [
    ['1.23.0', '1.34.7', -1],
    ['1.34.7', '1.34.7', 0],
    ['1.34.10', '1.34.9', 1],
    ['2.0.0', '1.99.99', 1],
    ['v1.2.3', '1.2.3', 0],
    ['1.2.3+build.5', '1.2.3', 0],
    ['1.35.0-alpha.1', '1.35.0', -1],
    ['1.35.0-alpha.2', '1.35.0-alpha.10', -1],
    ['1.35.0-alpha', '1.35.0-alpha.1', -1],
    ['1.35.0-beta', '1.35.0-alpha.9', 1],
    ['1.35.0-1', '1.35.0-alpha', -1],
    ['1.35.0-rc.1', '1.34.7', 1],
    ['github:pedroslopez/whatsapp-web.js', '1.34.7', null],
    ['1.34', '1.34.7', null],
  ];
  for (const [a, b, expected] of cases) {
    test(`compareVersions ${a} vs ${b}`, () => {
      expect(compareVersions(a, b)).toBe(expected);
    });
  }
});

describe('packumentUrl', () => {
  test('packumentUrl adds the name', () => {
    expect(packumentUrl('https://registry.npmjs.org', 'whatsapp-web.js').href).toBe(
      'https://registry.npmjs.org/whatsapp-web.js',
    );
  });

  test('packumentUrl keeps a registry path', () => {
    expect(packumentUrl('https://nexus.local/repository/npm/', 'whatsapp-web.js').href).toBe(
      'https://nexus.local/repository/npm/whatsapp-web.js',
    );
  });

  test('packumentUrl escapes a scope slash', () => {
    expect(packumentUrl('http://127.0.0.1:4873', '@scope/name').href).toBe(
      'http://127.0.0.1:4873/@scope%2fname',
    );
  });
});
