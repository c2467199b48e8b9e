import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { WrError } from '../../src/errors.js';

function writeConfig(value: unknown): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wr-config-'));
  const file = path.join(dir, 'wr.config.json');
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return { dir, file };
}

function loadError(run: () => unknown): WrError {
  try {
    run();
  } catch (error) {
    if (error instanceof WrError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a WrError');
}

const designExample = {
  project: 'whatrestaurant',
  docker: { host: 'unix:///var/run/docker.sock' },
  paths: {
    public: '/srv/whatrestaurant/backend/public',
    credentials: '/srv/whatrestaurant/backend/.wwebjs_auth',
    app: '/srv/whatrestaurant/backend',
  },
  clientIdPattern: 'bd_{id}',
  backendService: 'backend',
  connections: [{ id: '3', name: 'Sucursal Centro', profile: 'default' }],
  profilesDir: '/etc/wr/profiles',
  chromium: { executablePath: '/usr/bin/chromium' },
  whatsapp: {
    webVersion: '2.3000.1017054665',
    webVersionCache: { type: 'local', path: '/srv/whatrestaurant/.wwebjs_cache' },
  },
  control: { socket: '/run/wr/control.sock', url: null, token: null },
  socketService: { url: 'https://sockets.example.com', path: '/socket.io' },
  thresholds: { ramPercent: 85, diskFreePercent: 10, uptime: '3d' },
};

describe('config', () => {
  it('config accepts every key of the design example', () => {
    const { dir } = writeConfig(designExample);
    const { config, file } = loadConfig({ env: {}, cwd: dir });
    expect(file).toBe(path.join(dir, 'wr.config.json'));
    expect(config.project).toBe('whatrestaurant');
    expect(config.connections[0]).toEqual({ id: '3', name: 'Sucursal Centro', profile: 'default' });
    expect(config.whatsapp.webVersionCache?.type).toBe('local');
    expect(config.thresholds.uptime).toBe('3d');
  });

  it('config fills defaults', () => {
    const { dir } = writeConfig({ project: 'p' });
    const { config } = loadConfig({ env: {}, cwd: dir });
    expect(config.backendService).toBe('backend');
    expect(config.clientIdPattern).toBe('{id}');
    expect(config.socketService.path).toBe('/socket.io');
    expect(config.thresholds).toEqual({ ramPercent: 85, diskFreePercent: 10, uptime: '3d' });
  });

  it('config reports unknown keys with their path', () => {
    const { dir, file } = writeConfig({ project: 'p', thresholds: { ramPct: 80 }, colour: true });
    const error = loadError(() => loadConfig({ env: {}, cwd: dir }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(file);
    expect(error.message).toContain('"thresholds.ramPct"');
    expect(error.message).toContain('"colour"');
  });

  it('config names key and expectation of a bad value', () => {
    const { dir } = writeConfig({ thresholds: { uptime: 'soon', ramPercent: 150 } });
    const error = loadError(() => loadConfig({ env: {}, cwd: dir }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/thresholds\.uptime.*duration/);
    expect(error.message).toMatch(/thresholds\.ramPercent/);
  });

  it('config rejects invalid JSON naming the file', () => {
    const { dir, file } = writeConfig('{ "project": "p", }');
    const error = loadError(() => loadConfig({ env: {}, cwd: dir }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(file);
    expect(error.message).toContain('invalid JSON');
  });

  it('config rejects a missing --config file', () => {
    const { dir } = writeConfig({});
    const error = loadError(() => loadConfig({ file: 'nope.json', env: {}, cwd: dir }));
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.message).toContain(path.join(dir, 'nope.json'));
    expect(error.message).toContain('--config');
  });

  it('config rejects a missing WR_CONFIG file', () => {
    const { dir } = writeConfig({});
    const error = loadError(() =>
      loadConfig({ env: { WR_CONFIG: '/nonexistent/wr.json' }, cwd: dir }),
    );
    expect(error.message).toContain('WR_CONFIG');
  });

  it('config reads WR_CONFIG', () => {
    const { file } = writeConfig({ project: 'from-env-file' });
    const other = mkdtempSync(path.join(tmpdir(), 'wr-config-'));
    const { config } = loadConfig({ env: { WR_CONFIG: file }, cwd: other });
    expect(config.project).toBe('from-env-file');
  });

  it('config precedence is flags, env, file, defaults', () => {
    const { dir } = writeConfig({
      project: 'file',
      backendService: 'api',
      thresholds: { ramPercent: 70 },
    });
    const env = { WR_PROJECT: 'env', WR_RAM_PERCENT: '60' };
    const { config } = loadConfig({ env, cwd: dir, overrides: { project: 'flag' } });
    expect(config.project).toBe('flag');
    expect(config.thresholds.ramPercent).toBe(60);
    expect(config.backendService).toBe('api');
    expect(config.thresholds.diskFreePercent).toBe(10);
  });

  it('config rejects a non-numeric env number', () => {
    const { dir } = writeConfig({});
    const error = loadError(() => loadConfig({ env: { WR_RAM_PERCENT: 'lots' }, cwd: dir }));
    expect(error.message).toContain('WR_RAM_PERCENT');
  });

  it('docker host falls back to DOCKER_HOST then the socket', () => {
    const { dir } = writeConfig({});
    const fromEnv = loadConfig({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, cwd: dir });
    expect(fromEnv.config.docker.host).toBe('tcp://127.0.0.1:2375');
    expect(fromEnv.dockerHostSource).toBe('DOCKER_HOST');
    const fallback = loadConfig({ env: {}, cwd: dir });
    expect(fallback.config.docker.host).toBe('unix:///var/run/docker.sock');
    expect(fallback.dockerHostSource).toBe('default');
  });

  it('docker host in the file wins over DOCKER_HOST', () => {
    const { dir } = writeConfig({ docker: { host: 'unix:///tmp/x.sock' } });
    const loaded = loadConfig({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, cwd: dir });
    expect(loaded.config.docker.host).toBe('unix:///tmp/x.sock');
    const env = loadConfig({ env: { WR_DOCKER_HOST: 'unix:///tmp/y.sock' }, cwd: dir });
    expect(env.config.docker.host).toBe('unix:///tmp/y.sock');
  });

  it('config rejects duplicate and unsafe connection ids', () => {
    const { dir } = writeConfig({
      clientIdPattern: 'bd_{id}',
      connections: [{ id: 3 }, { id: '3' }, { id: 'a/b' }],
    });
    const error = loadError(() => loadConfig({ env: {}, cwd: dir }));
    expect(error.message).toContain('duplicate id "3"');
    expect(error.message).toContain('clientId "bd_a/b"');
  });

  it('config rejects a pattern without {id}', () => {
    const { dir } = writeConfig({ clientIdPattern: 'bd_' });
    const error = loadError(() => loadConfig({ env: {}, cwd: dir }));
    expect(error.message).toMatch(/clientIdPattern.*\{id\}/);
  });

  it('config rejects relative paths', () => {
    const { dir } = writeConfig({ paths: { credentials: 'relative/auth' } });
    const error = loadError(() => loadConfig({ env: {}, cwd: dir }));
    expect(error.message).toMatch(/paths\.credentials.*absolute/);
  });
});

describe('config example', () => {
  it('example config file is valid', () => {
    const file = path.resolve(import.meta.dirname, '../../wr.config.example.json');
    const { config } = loadConfig({ file, env: {}, cwd: '/' });
    expect(config.clientIdPattern).toBe('bd_{id}');
    expect(config.npmRegistry).toMatch(/^https:/);
  });
});

describe('config sources', () => {
  it('config error names the env variable and value', () => {
    const { dir, file } = writeConfig({ project: 'p' });
    const error = loadError(() =>
      loadConfig({ env: { WR_RAM_PERCENT: '150', WR_SOCKET_SERVICE_URL: 'not-a-url' }, cwd: dir }),
    );
    expect(error.message).toContain(file);
    expect(error.message).toContain(
      'thresholds.ramPercent" = 150 (from environment variable WR_RAM_PERCENT)',
    );
    expect(error.message).toContain(
      '"not-a-url" (from environment variable WR_SOCKET_SERVICE_URL)',
    );
    expect(error.hint).toContain('environment');
  });

  it('config error shows the bad value from the file', () => {
    const { dir } = writeConfig({ thresholds: { uptime: 'three days' } });
    const error = loadError(() => loadConfig({ env: {}, cwd: dir }));
    expect(error.message).toContain('thresholds.uptime" = "three days"');
    expect(error.hint).toContain('wr.config.example.json');
  });

  it('docker host needs a scheme', () => {
    const { dir } = writeConfig({ docker: { host: '/var/run/docker.sock' } });
    const error = loadError(() => loadConfig({ env: {}, cwd: dir }));
    expect(error.message).toMatch(/docker\.host.*unix:\/\/\/path/);
  });

  it('flag overrides are named as options', () => {
    const { dir } = writeConfig({});
    const error = loadError(() =>
      loadConfig({ env: {}, cwd: dir, overrides: { 'docker.host': 'nowhere' } }),
    );
    expect(error.message).toContain('command-line option');
  });
});

describe('config chromium', () => {
  it.each(['--user-data-dir=/tmp/x', '--remote-debugging-port=9222', '--user-agent=Bot'])(
    'extraArgs rejects %s',
    (argument) => {
      const { dir } = writeConfig({ chromium: { extraArgs: ['--no-sandbox', argument] } });
      const error = loadError(() => loadConfig({ env: {}, cwd: dir }));
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain('chromium.extraArgs.1');
      expect(error.message).toContain(argument);
    },
  );

  it('extraArgs accepts ordinary flags', () => {
    const { dir } = writeConfig({ chromium: { extraArgs: ['--headless', '--disable-gpu'] } });
    const { config } = loadConfig({ env: {}, cwd: dir });
    expect(config.chromium.extraArgs).toEqual(['--headless', '--disable-gpu']);
  });
});
