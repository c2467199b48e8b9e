import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWr } from '../harness/cli.js';

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

function dir0(): string {
  return mkdtempSync(path.join(tmpdir(), 'wr-e2e-path-'));
}
