import { describe, expect, test } from 'vitest';
import type { ContainerInfo } from '../../src/docker/types.js';
import { parsePercent, uptimeCondition } from '../../src/restart/conditions.js';
import { buildSchedule } from '../../src/restart/schedule.js';
import { containerInfo } from '../harness/fixtures.js';

const now = new Date('2026-01-10T00:00:00.000Z');
const day = 86_400_000;

function backend(startedAt: Date | null, state = 'running'): ContainerInfo {
  return containerInfo('backend', { id: 'b', state, startedAt });
}

describe('uptimeCondition', () => {
  test('uptime over threshold holds', () => {
    const result = uptimeCondition(
      [backend(new Date(now.getTime() - 4 * day))],
      'backend',
      3 * day,
      now,
    );
    expect(result.holds).toBe(true);
    expect(result.summary).toBe('backend up 4d, over 3d');
  });

  test('uptime under threshold does not hold', () => {
    const result = uptimeCondition(
      [backend(new Date(now.getTime() - day))],
      'backend',
      3 * day,
      now,
    );
    expect(result.holds).toBe(false);
    expect(result.summary).toBe('backend up 1d, not over 3d');
  });

  test('uptime of stopped backend does not hold', () => {
    const result = uptimeCondition([backend(null, 'exited')], 'backend', 3 * day, now);
    expect(result.holds).toBe(false);
    expect(result.value).toBeNull();
    expect(result.summary).toContain('no running container of service backend');
  });

  test('uptime takes oldest replica', () => {
    const replicas = [
      backend(new Date(now.getTime() - day)),
      backend(new Date(now.getTime() - 5 * day)),
    ];
    expect(uptimeCondition(replicas, 'backend', 3 * day, now).value).toBe(5 * day);
  });
});

describe('parsePercent', () => {
  test.each([
    ['85', 85],
    ['85%', 85],
    ['92.5 %', 92.5],
    ['100', 100],
  ])('percent parses %s', (text, value) => {
    expect(parsePercent(text)).toBe(value);
  });

  test.each(['0', '101', 'abc', '-5', ''])('percent rejects "%s"', (text) => {
    expect(parsePercent(text)).toBeUndefined();
  });
});

describe('buildSchedule', () => {
  test('schedule runs conditional restart', () => {
    const schedule = buildSchedule({
      executable: '/usr/local/bin/wr',
      configFile: '/etc/wr/config.json',
      project: 'shop',
      uptime: '3d',
    });
    const command =
      '/usr/local/bin/wr --config /etc/wr/config.json --project shop restart --all --if-uptime-over 3d';
    expect(schedule.command).toBe(command);
    expect(schedule.crontab).toBe(`30 4 * * * ${command} >> /var/log/wr-restart.log 2>&1`);
    expect(schedule.systemdService).toContain(`ExecStart=${command}`);
    expect(schedule.systemdTimer).toContain('OnCalendar=*-*-* 04:30:00');
  });
});
