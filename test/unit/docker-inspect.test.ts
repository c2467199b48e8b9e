import type Dockerode from 'dockerode';
import { describe, expect, test } from 'vitest';
import { toContainerInfo } from '../../src/docker/inspect.js';

function inspect(overrides: {
  State?: Partial<Dockerode.ContainerInspectInfo['State']>;
  Labels?: Record<string, string>;
}): Dockerode.ContainerInspectInfo {
  return {
    Id: 'abc',
    Name: '/shop-backend-1',
    RestartCount: 2,
    State: {
      Status: 'created',
      Pid: 0,
      StartedAt: '0001-01-01T00:00:00Z',
      ...overrides.State,
    },
    Config: { Hostname: 'abc123', Labels: overrides.Labels ?? {} },
    HostConfig: {},
    Mounts: [
      { Type: 'bind', Source: '/srv/a', Destination: '/a', RW: false, Mode: 'ro', Propagation: '' },
    ],
  } as unknown as Dockerode.ContainerInspectInfo;
}

describe('toContainerInfo', () => {
  test('never started container', () => {
    const info = toContainerInfo(inspect({}));
    expect(info.startedAt).toBeNull();
    expect(info.pid).toBeNull();
    expect(info.health).toBeNull();
    expect(info.init).toBe(false);
    expect(info.memoryLimitBytes).toBeNull();
  });

  test('service falls back to name', () => {
    expect(toContainerInfo(inspect({})).service).toBe('shop-backend-1');
    const labelled = inspect({ Labels: { 'com.docker.compose.service': 'backend' } });
    expect(toContainerInfo(labelled).service).toBe('backend');
  });

  test('running container fields', () => {
    const info = toContainerInfo(
      inspect({
        State: {
          Status: 'running',
          Pid: 4242,
          StartedAt: '2026-01-02T03:04:05.123456789Z',
          Health: { Status: 'healthy', FailingStreak: 0, Log: [] },
        },
      }),
    );
    expect(info.startedAt?.toISOString()).toBe('2026-01-02T03:04:05.123Z');
    expect(info.pid).toBe(4242);
    expect(info.health).toBe('healthy');
    expect(info.restartCount).toBe(2);
    expect(info.mounts).toEqual([
      { source: '/srv/a', destination: '/a', type: 'bind', readOnly: true },
    ]);
  });
});
