import { describe, expect, test } from 'vitest';
import { injectedModuleNames, methodBody, requiredNames } from '../simulator/wwebjs-sources.js';

const client = [
  'class Client {',
  '    async inject() {',
  "        window.require('WAWebCmd').Cmd.on('x', () => {});",
  '        window',
  '            .require(',
  "                'WAWebSocketModel',",
  '            )',
  '            .Socket.state;',
  '    }',
  '',
  '    async logout() {',
  "        window.require('WAWebLogoutOnly');",
  '    }',
  '}',
].join('\n');

describe('wwebjs sources', () => {
  test('method body stops at its brace', () => {
    const body = methodBody(client, 'inject');

    expect(body).toContain('WAWebCmd');
    expect(body).not.toContain('WAWebLogoutOnly');
  });

  test('method body names missing method', () => {
    expect(() => methodBody(client, 'initialize')).toThrow(/method initialize\(\) not found/);
  });

  test('require names span lines', () => {
    expect(requiredNames(methodBody(client, 'inject'))).toEqual(['WAWebCmd', 'WAWebSocketModel']);
  });

  test('require skips relative paths', () => {
    expect(requiredNames("const x = require('./util/Util');")).toEqual([]);
  });

  test('injectToFunction names its module', () => {
    const source = [
      'window.WWebJS.injectToFunction(',
      "    { module: 'WAWebE2EProtoUtils', function: 'typeAttributeFromProtobuf' },",
      '    () => {},',
      ');',
    ].join('\n');

    expect(injectedModuleNames(source)).toEqual(['WAWebE2EProtoUtils']);
  });
});
