import { describe, expect, test } from 'vitest';
import type { ContainerInfo } from '../../src/docker/types.js';
import { WrError } from '../../src/errors.js';
import { dependencyOrder, parseDependsOn } from '../../src/restart/dependencies.js';
import { buildPlan } from '../../src/restart/plan.js';
import { containerInfo } from '../harness/fixtures.js';

function container(service: string, dependsOn = '', number = 1): ContainerInfo {
  return containerInfo(service, {
    id: `${service}-${number}`,
    name: `shop-${service}-${number}`,
    labels: { 'com.docker.compose.depends_on': dependsOn },
  });
}

const options = {
  project: 'shop',
  services: null,
  stopTimeoutMs: 10_000,
  startTimeoutMs: 120_000,
  syncTimeoutMs: null,
};

describe('parseDependsOn', () => {
  test('depends_on parses compose v2 entries', () => {
    expect(parseDependsOn('db:service_healthy:false,redis:service_started:true')).toEqual([
      { service: 'db', condition: 'service_healthy', restart: false },
      { service: 'redis', condition: 'service_started', restart: true },
    ]);
  });

  test('depends_on accepts entries without restart', () => {
    expect(parseDependsOn('db:service_started')).toEqual([
      { service: 'db', condition: 'service_started', restart: false },
    ]);
  });

  test('depends_on empty label means none', () => {
    expect(parseDependsOn('')).toEqual([]);
    expect(parseDependsOn(undefined)).toEqual([]);
  });
});

describe('dependencyOrder', () => {
  test('order puts dependencies first, ties by name', () => {
    const graph = new Map([
      ['worker', ['api']],
      ['api', ['db']],
      ['web', ['db']],
      ['db', []],
    ]);
    expect(dependencyOrder(graph)).toEqual(['db', 'api', 'web', 'worker']);
  });

  test('order names the services of a cycle', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', []],
    ]);
    let error: unknown;
    try {
      dependencyOrder(graph);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WrError);
    expect((error as WrError).code).toBe('RESTART_CYCLE');
    expect((error as WrError).message).toContain('a -> b -> c -> a');
  });
});

describe('buildPlan', () => {
  const containers = [
    container('worker', 'api:service_started:false'),
    container('api', 'db:service_healthy:true'),
    container('db'),
    container('api', 'db:service_healthy:true', 2),
    container('cron'),
  ];

  test('plan covers every service with --all', () => {
    const plan = buildPlan(containers, options);
    expect(plan.startOrder).toEqual(['cron', 'db', 'api', 'worker']);
    expect(plan.stopOrder).toEqual(['worker', 'api', 'db', 'cron']);
    expect(plan.services[2]?.containers.map((entry) => entry.name)).toEqual([
      'shop-api-1',
      'shop-api-2',
    ]);
  });

  test('plan adds dependants with restart true', () => {
    const plan = buildPlan(containers, { ...options, services: ['db'] });
    expect(plan.startOrder).toEqual(['db', 'api']);
    expect(plan.services.map((service) => service.reason)).toEqual(['selected', 'dependant']);
  });

  test('plan keeps dependants without restart out', () => {
    const plan = buildPlan(containers, { ...options, services: ['api'] });
    expect(plan.startOrder).toEqual(['api']);
  });

  test('plan rejects unknown service', () => {
    expect(() => buildPlan(containers, { ...options, services: ['nope'] })).toThrow(
      /has no container of service nope; its services: api, cron, db, worker/,
    );
  });

  test('plan warns about missing dependency', () => {
    const plan = buildPlan([container('api', 'cache:service_started:false')], options);
    expect(plan.warnings[0]).toContain('api depends on cache');
    expect(plan.startOrder).toEqual(['api']);
  });
});
