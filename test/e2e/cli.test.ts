import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { repoRoot, runWr } from '../harness/cli.js';

function configDir(config: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wr-e2e-'));
  writeFileSync(path.join(dir, 'wr.config.json'), JSON.stringify(config));
  return dir;
}

describe('wr binary', () => {
  it('help lists only working commands', async () => {
    const run = await runWr(['--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('doctor');
    expect(run.stdout).toContain('prune-credentials');
    expect(run.stdout).not.toMatch(/not implemented/i);
  });

  it('version prints the package version', async () => {
    const run = await runWr(['--version']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('unknown option exits 2', async () => {
    const run = await runWr(['doctor', '--bogus']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("unknown option '--bogus'");
  });

  it('unknown check id exits 2', async () => {
    const run = await runWr(['doctor', '--check', 'nonsense']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('nonsense');
  });

  it('missing --config file exits 2 with JSON error', async () => {
    const run = await runWr(['doctor', '--config', '/nonexistent/wr.json', '--json']);
    expect(run.exitCode).toBe(2);
    const body = JSON.parse(run.stdout);
    expect(body.error.code).toBe('CONFIG_NOT_FOUND');
    expect(body.error.message).toContain('/nonexistent/wr.json');
    expect(body.error.hint).toBeTruthy();
  });

  it('invalid config names file and key', async () => {
    const dir = configDir({ project: 'p', thresholds: { ramPercent: 'high' } });
    const run = await runWr(['doctor'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(path.join(dir, 'wr.config.json'));
    expect(run.stderr).toContain('thresholds.ramPercent');
    expect(run.stdout).toBe('');
  });

  it('doctor json prints only the report', async () => {
    const dir = configDir({
      project: 'wr-e2e-none',
      docker: { host: 'unix:///nonexistent/docker.sock' },
      paths: { public: dir0(), credentials: dir0() },
      npmRegistry: 'http://127.0.0.1:9/',
    });
    const run = await runWr(['doctor', '--json', '--check', 'docker', 'disk'], { cwd: dir });
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report).sort()).toEqual(['checks', 'status']);
    expect(report.checks.map((check: { id: string }) => check.id)).toEqual(['docker', 'disk']);
    for (const check of report.checks) {
      expect(Object.keys(check).sort()).toEqual(['details', 'id', 'remedy', 'status', 'summary']);
    }
    expect(report.checks[0].status).toBe('fail');
    expect(run.exitCode).toBe(1);
  });
});

describe('wr usage errors', () => {
  it('no command prints help and exits 2', async () => {
    const run = await runWr([]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('Usage: wr');
    expect(run.stdout).toBe('');
  });

  it('usage error with --json prints a JSON error', async () => {
    const run = await runWr(['doctor', '--check', 'dsk', '--json']);
    expect(run.exitCode).toBe(2);
    const body = JSON.parse(run.stdout);
    expect(body.error.code).toBe('USAGE');
    expect(body.error.message).toContain('dsk');
    expect(body.error.hint).toContain('--help');
    expect(run.stderr).toBe('');
  });

  it('zero timeout is rejected with a hint', async () => {
    const dir = configDir({});
    const run = await runWr(['doctor', '--timeout', '0s', '--json'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    const body = JSON.parse(run.stdout);
    expect(body.error.message).toContain('"0s"');
    expect(body.error.hint).toContain('--timeout');
  });

  it('help shows the global options', async () => {
    const run = await runWr(['doctor', '--help']);
    expect(run.stdout).toContain('--config <file>');
    expect(run.stdout).toContain('--json');
  });

  it('--docker-host overrides the config', async () => {
    const dir = configDir({ project: 'p', docker: { host: 'unix:///tmp/a.sock' } });
    const run = await runWr(
      ['doctor', '--json', '--check', 'docker', '--docker-host', 'unix:///nonexistent/b.sock'],
      { cwd: dir },
    );
    const report = JSON.parse(run.stdout);
    expect(report.checks[0].summary).toContain('unix:///nonexistent/b.sock');
  });
});

describe('wr serve config errors', () => {
  it('serve rejects an unknown profile with 2', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'wr-e2e-serve-'));
    const dir = configDir({
      paths: { credentials: path.join(root, 'auth') },
      connections: [{ id: '1', profile: 'nosuch' }],
      control: { socket: path.join(root, 'control.sock') },
    });
    const run = await runWr(['serve'], { cwd: dir, timeoutMs: 20_000 });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('PROFILE_NOT_FOUND');
    expect(run.stderr).toContain('"nosuch"');
  });
});

describe('wr doctor output modes', () => {
  it('quiet doctor prints nothing when healthy', async () => {
    const dir = configDir({ thresholds: { ramPercent: 100 } });
    const run = await runWr(['doctor', '-q', '--check', 'ram'], { cwd: dir });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('');
  });

  it('quiet doctor keeps failing rows only', async () => {
    const dir = configDir({
      docker: { host: 'unix:///nonexistent/docker.sock' },
      thresholds: { ramPercent: 100 },
    });
    const run = await runWr(['doctor', '-q', '--check', 'ram', 'docker'], { cwd: dir });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('docker');
    expect(run.stdout).not.toMatch(/│ ram /);
  });

  it('missing config file is reported on stderr', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wr-e2e-empty-'));
    const run = await runWr(['doctor', '--check', 'ram'], { cwd: dir });
    expect(run.stderr).toContain('no config file found');
    const verbose = await runWr(['doctor', '--check', 'ram', '-v'], { cwd: configDir({}) });
    expect(verbose.stderr).toMatch(/config: .*wr\.config\.json/);
  });

  it('doctor exits 130 on SIGINT without a report', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const dir = configDir({ socketService: { url: `http://127.0.0.1:${port}` } });
    try {
      const run = runWr(['doctor', '--check', 'socket-service', '--timeout', '30s'], {
        cwd: dir,
        signalAfterMs: 1500,
      });
      const result = await run;
      expect(result.exitCode).toBe(130);
      expect(result.stdout).toBe('');
    } finally {
      silent.close();
    }
  });

  it('doctor ends on a zero-column terminal', async () => {
    const dir = configDir({ thresholds: { ramPercent: 100 } });
    const bin = path.join(repoRoot, 'bin/wr');
    const command = `stty cols 0 rows 0; ${process.execPath} ${bin} doctor --check ram`;
    const started = Date.now();
    const result = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: dir,
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(result.error, 'install bsdutils for script(1)').toBeUndefined();
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.status).toBe(0);
    expect(result.stdout.length).toBeLessThan(20_000);
  });
});

function dir0(): string {
  return mkdtempSync(path.join(tmpdir(), 'wr-e2e-path-'));
}
