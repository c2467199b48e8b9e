import type { ContainerInfo } from '../docker/types.js';
import { usageError } from '../errors.js';
import { dependencyOrder, dependsOnLabel, parseDependsOn } from './dependencies.js';

/** One service of the plan with its containers, in name order. */
export interface PlannedService {
  service: string;
  /** Services of the project it depends on. */
  dependsOn: string[];
  /** Why it is in the plan: named (or --all), or a dependant that compose restarts with it. */
  reason: 'selected' | 'dependant';
  containers: Array<Pick<ContainerInfo, 'id' | 'name' | 'state' | 'health'>>;
}

export interface RestartPlan {
  type: 'plan';
  project: string;
  /** Services in start order; they are stopped in the reverse order. */
  services: PlannedService[];
  stopOrder: string[];
  startOrder: string[];
  stopTimeoutMs: number;
  startTimeoutMs: number;
  /** Time limit of the connection sync wait, or null with --no-wait. */
  syncTimeoutMs: number | null;
  /** Notes for the operator, such as a dependency on a service with no container. */
  warnings: string[];
}

export interface PlanOptions {
  project: string;
  /** Services to restart, or null for every service of the project. */
  services: string[] | null;
  stopTimeoutMs: number;
  startTimeoutMs: number;
  syncTimeoutMs: number | null;
}

/**
 * Builds the restart plan from the project's containers: the start order
 * follows com.docker.compose.depends_on. Named services bring along the
 * services that depend on them with `restart: true`, as compose does.
 */
export function buildPlan(containers: ContainerInfo[], options: PlanOptions): RestartPlan {
  const byService = groupByService(containers);
  const warnings: string[] = [];
  const graph = dependencyGraph(byService, warnings);
  const selected = selectServices(byService, graph.restartWith, options);
  const order = dependencyOrder(graph.needs).filter((service) => selected.has(service));

  const services = order.map((service): PlannedService => {
    const members = byService.get(service) ?? [];
    return {
      service,
      dependsOn: graph.needs.get(service) ?? [],
      reason: selected.get(service) ?? 'selected',
      containers: members.map(({ id, name, state, health }) => ({ id, name, state, health })),
    };
  });
  return {
    type: 'plan',
    project: options.project,
    services,
    stopOrder: [...order].reverse(),
    startOrder: order,
    stopTimeoutMs: options.stopTimeoutMs,
    startTimeoutMs: options.startTimeoutMs,
    syncTimeoutMs: options.syncTimeoutMs,
    warnings,
  };
}

function groupByService(containers: ContainerInfo[]): Map<string, ContainerInfo[]> {
  const byService = new Map<string, ContainerInfo[]>();
  for (const container of containers) {
    byService.set(container.service, [...(byService.get(container.service) ?? []), container]);
  }
  for (const members of byService.values()) members.sort((a, b) => a.name.localeCompare(b.name));
  return byService;
}

/** Reads each service's dependencies, and which services compose restarts along with each. */
function dependencyGraph(byService: Map<string, ContainerInfo[]>, warnings: string[]) {
  const needs = new Map<string, string[]>();
  const restartWith = new Map<string, string[]>();
  for (const [service, members] of byService) {
    const dependencies = parseDependsOn(members[0]?.labels[dependsOnLabel]);
    const known = dependencies.filter((dependency) => byService.has(dependency.service));
    for (const missing of dependencies.filter((dependency) => !byService.has(dependency.service))) {
      warnings.push(
        `service ${service} depends on ${missing.service}, which has no container in the project; ignoring that dependency`,
      );
    }
    needs.set(service, [...new Set(known.map((dependency) => dependency.service))].sort());
    for (const dependency of known.filter((entry) => entry.restart)) {
      restartWith.set(dependency.service, [
        ...(restartWith.get(dependency.service) ?? []),
        service,
      ]);
    }
  }
  return { needs, restartWith };
}

function selectServices(
  byService: Map<string, ContainerInfo[]>,
  restartWith: Map<string, string[]>,
  options: PlanOptions,
): Map<string, PlannedService['reason']> {
  const all = [...byService.keys()].sort();
  if (options.services === null) return new Map(all.map((service) => [service, 'selected']));

  const unknown = options.services.filter((service) => !byService.has(service));
  if (unknown.length > 0) {
    throw usageError(
      'SERVICE_NOT_FOUND',
      `compose project ${options.project} has no container of service ${unknown.join(', ')}; its services: ${all.join(', ') || 'none'}`,
      `rerun with one of: ${all.join(', ')}, or --all`,
    );
  }
  const selected = new Map<string, PlannedService['reason']>(
    options.services.map((service) => [service, 'selected']),
  );
  const queue = [...options.services];
  while (queue.length > 0) {
    for (const dependant of restartWith.get(queue.shift() as string) ?? []) {
      if (selected.has(dependant)) continue;
      selected.set(dependant, 'dependant');
      queue.push(dependant);
    }
  }
  return selected;
}
