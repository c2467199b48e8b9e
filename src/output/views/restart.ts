import type { RestartPlan } from '../../restart/plan.js';
import type { RestartResult } from '../../restart/restart.js';
import type { Schedule } from '../../restart/schedule.js';
import type { StepEvent, StepStatus } from '../../restart/steps.js';
import type { SyncProgress } from '../../restart/sync.js';
import { formatDuration, plural } from '../format.js';
import type { Streams } from '../render.js';
import { createChalk, type OutputOptions } from '../style.js';
import { createTable } from '../table.js';

type RestartEvent = RestartPlan | StepEvent | SyncProgress;

export interface RestartReporter {
  emit(event: RestartEvent): void;
  /** Clears the progress line, so the result prints below the steps. */
  finish(): void;
}

/**
 * Shows the restart as it happens. With --json every event is one JSON line
 * on stdout (the plan, each step, the sync progress). Otherwise each step is
 * a line on stderr and the sync wait a spinner, both only when stdout is a
 * terminal and not --quiet. The spinner module (ora) is loaded only then,
 * which keeps a restart from cron quicker to start.
 */
export async function createRestartReporter(
  options: OutputOptions,
  streams: Streams,
  now: () => Date,
): Promise<RestartReporter> {
  if (options.json) {
    return { emit: (event) => streams.stdout.write(`${JSON.stringify(event)}\n`), finish() {} };
  }
  if (options.quiet || !options.interactive) return { emit() {}, finish() {} };
  const chalk = createChalk(options);
  const { createProgress } = await import('../progress.js');
  const progress = createProgress(options, streams.stderr);
  let spinning = false;
  const began = now().getTime();
  return {
    emit(event) {
      if (event.type === 'sync') {
        const text = describeSync(event);
        if (!spinning) progress.start(text);
        else progress.update(text);
        spinning = true;
        return;
      }
      if (event.type === 'plan') return;
      const elapsed = chalk.dim(`[${formatDuration(now().getTime() - began)}]`);
      streams.stderr.write(`${elapsed} ${describeStep(event, chalk)}\n`);
    },
    finish() {
      progress.stop();
    },
  };
}

function describeSync(progress: SyncProgress): string {
  const elapsed = formatDuration(progress.elapsedMs);
  if (!progress.reachable && progress.total === 0) {
    return `waiting for the control API to come back (${elapsed})`;
  }
  return `connections: ${progress.connected} of ${progress.total} connected, ${elapsed} (sync usually takes 1–3 min)`;
}

function describeStep(step: StepEvent, chalk: ReturnType<typeof createChalk>): string {
  const name = chalk.cyan(step.container);
  const took = step.durationMs === null ? '' : ` in ${formatDuration(step.durationMs)}`;
  const detail = step.detail ? `: ${step.detail}` : '';
  const lines: Record<StepStatus, string> = {
    began: `${step.action === 'stop' ? 'stopping' : 'starting'} ${name}`,
    killing: `${name} ${chalk.yellow(step.detail ?? 'killing')}`,
    stopped: `${name} stopped${took}`,
    killed: `${name} ${chalk.yellow('killed')}${took}${detail}`,
    'not-running': `${name} was not running`,
    ready: `${name} ${chalk.green('ready')}${took}`,
    failed: `${name} ${chalk.red(`${step.action} failed`)}${took}${detail}`,
    skipped: `${name} ${chalk.yellow('skipped')}${detail}`,
    'not-run': `${name} not ${step.action === 'stop' ? 'stopped' : 'started'}`,
  };
  return lines[step.status];
}

/** Renders the plan of a dry run, the reason for not restarting, or the table of what happened. */
export function restartView(result: RestartResult, options: OutputOptions): string {
  const chalk = createChalk(options);
  const parts: string[] = [];
  if (result.status === 'dry-run') parts.push(planText(result, options));
  else if (result.status === 'skipped') {
    parts.push(`not restarting compose project ${result.project}: ${result.reason}`);
  } else {
    parts.push(outcomeTable(result, options));
    parts.push(...failedLogs(result));
    if (result.sync) parts.push(syncText(result));
    parts.push(summary(result, chalk));
  }
  for (const warning of result.plan.warnings) parts.push(`${chalk.yellow('warning')}: ${warning}`);
  if (result.error)
    parts.push(`${chalk.red('error')} (${result.error.code}): ${result.error.message}`);
  if (result.next) parts.push(`${chalk.dim('next:')} ${result.next}`);
  return parts.join('\n');
}

function planText(result: RestartResult, options: OutputOptions): string {
  const plan = result.plan;
  const lines = [
    `plan for compose project ${plan.project} (dry run: nothing was changed)`,
    `stop order:  ${plan.stopOrder.join(', ')} (each gets ${formatDuration(plan.stopTimeoutMs)} after SIGTERM, then SIGKILL)`,
    `start order: ${plan.startOrder.join(', ')} (each gets ${formatDuration(plan.startTimeoutMs)} to run and pass its healthcheck)`,
    plan.syncTimeoutMs === null
      ? 'then: no wait for the connections (--no-wait)'
      : `then: wait up to ${formatDuration(plan.syncTimeoutMs)} for the connections to sync, when the control API responds`,
  ];
  for (const condition of result.conditions) {
    lines.push(
      `condition ${condition.name}: ${condition.summary} (${condition.holds ? 'holds' : 'does not hold'})`,
    );
  }
  const table = createTable(
    ['#', 'service', 'containers', 'depends on', 'why'],
    [4, 16, 40, 20, 12],
    options,
  );
  plan.services.forEach((service, index) => {
    const containers = service.containers.map((container) => {
      const health = container.health ? `, ${container.health}` : '';
      return `${container.name} (${container.state}${health})`;
    });
    table.push([
      String(index + 1),
      service.service,
      containers.join('\n'),
      service.dependsOn.join(', '),
      service.reason,
    ]);
  });
  return `${lines.join('\n')}\n${table.toString()}`;
}

function outcomeTable(result: RestartResult, options: OutputOptions): string {
  const table = createTable(
    ['container', 'service', 'stop', 'start', 'detail'],
    [28, 14, 18, 16, 40],
    options,
  );
  const untimed = ['not-running', 'skipped', 'not-run'];
  const timed = (status: string | null, ms: number | null) => {
    if (status === null) return '';
    if (ms === null || untimed.includes(status)) return status;
    return `${status} ${formatDuration(ms)}`;
  };
  for (const outcome of result.containers) {
    table.push([
      outcome.container,
      outcome.service,
      timed(outcome.stop, outcome.stopMs),
      timed(outcome.start, outcome.startMs),
      outcome.detail ?? '',
    ]);
  }
  return table.toString();
}

function failedLogs(result: RestartResult): string[] {
  return result.containers
    .filter((outcome) => outcome.logs.length > 0)
    .map(
      (outcome) =>
        `last log lines of ${outcome.container}:\n${outcome.logs.map((line) => `  ${line}`).join('\n')}`,
    );
}

function syncText(result: RestartResult): string {
  const sync = result.sync;
  if (!sync || sync.status === 'skipped') return `connections: not waited for (${sync?.reason})`;
  const took = formatDuration(sync.durationMs);
  const counts = `${sync.connected} of ${plural(sync.total, 'connection')} connected after ${took}`;
  const pending = sync.pending.map(
    (entry) => `${entry.id} ${entry.state}${entry.reason ? ` (${entry.reason})` : ''}`,
  );
  const timeout =
    sync.status === 'timeout' || sync.status === 'interrupted' ? ` (${sync.status})` : '';
  return `connections: ${counts}${timeout}${pending.length > 0 ? `; not connected: ${pending.join(', ')}` : ''}`;
}

function summary(result: RestartResult, chalk: ReturnType<typeof createChalk>): string {
  const count = plural(result.containers.length, 'container');
  const took = formatDuration(result.durationMs);
  if (result.status === 'ok')
    return chalk.green(`restarted ${count} of ${result.project} in ${took}`);
  const ready = result.containers.filter((outcome) => outcome.start === 'ready').length;
  return chalk.red(
    `restart of ${result.project} failed after ${took}: ${ready} of ${count} came back`,
  );
}

/** Renders the crontab line and the systemd units of the conditional restart. */
export function scheduleView(schedule: Schedule): string {
  return [
    '# crontab (crontab -e as root or a member of the docker group):',
    schedule.crontab,
    '',
    schedule.systemdService,
    schedule.systemdTimer,
    '# then: systemctl daemon-reload && systemctl enable --now wr-restart.timer',
  ].join('\n');
}
