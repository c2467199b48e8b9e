import { WrError } from '../errors.js';

export const dependsOnLabel = 'com.docker.compose.depends_on';

/** One entry of a service's depends_on, as compose v2 writes it in the label. */
export interface Dependency {
  service: string;
  /** service_started, service_healthy or service_completed_successfully. */
  condition: string;
  /** Whether compose restarts the dependant when this dependency is restarted (`restart: true`). */
  restart: boolean;
}

/**
 * Parses the `com.docker.compose.depends_on` label: `service:condition:restart`
 * entries separated by commas, such as `db:service_healthy:false,redis:service_started:true`.
 * Older compose v2 releases leave out `:restart`, and an empty label means no dependencies.
 */
export function parseDependsOn(label: string | undefined): Dependency[] {
  if (!label) return [];
  return label
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [service = '', condition = 'service_started', restart = 'false'] = entry.split(':');
      return { service, condition, restart: restart === 'true' };
    });
}

/**
 * Orders services so that each comes after every service it depends on
 * (Kahn's algorithm, ties broken by name so the order is stable). Throws a
 * WrError naming the services of a cycle.
 */
export function dependencyOrder(dependencies: Map<string, string[]>): string[] {
  const remaining = new Map(
    [...dependencies].map(([service, needs]) => [service, new Set(needs)] as const),
  );
  const order: string[] = [];
  for (;;) {
    const ready = [...remaining]
      .filter(([, needs]) => needs.size === 0)
      .map(([service]) => service)
      .sort();
    if (ready.length === 0) break;
    const [next] = ready as [string];
    order.push(next);
    remaining.delete(next);
    for (const needs of remaining.values()) needs.delete(next);
  }
  if (remaining.size > 0) throw cycleError(findCycle(remaining));
  return order;
}

/** Follows unresolved dependencies from the first remaining service until one repeats. */
function findCycle(remaining: Map<string, Set<string>>): string[] {
  const path: string[] = [];
  let current = [...remaining.keys()].sort()[0] as string;
  while (!path.includes(current)) {
    path.push(current);
    current = [...(remaining.get(current) ?? [])].sort()[0] as string;
  }
  return [...path.slice(path.indexOf(current)), current];
}

function cycleError(cycle: string[]): WrError {
  return new WrError(
    'RESTART_CYCLE',
    `services depend on each other in a cycle: ${cycle.join(' -> ')} (com.docker.compose.depends_on labels); no start order exists`,
    {
      hint: `remove one depends_on entry of ${cycle.slice(0, -1).join(', ')} in the compose file and recreate the services with docker compose up -d`,
    },
  );
}
