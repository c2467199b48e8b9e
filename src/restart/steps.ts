/** Outcome of stopping or starting one container. */
export type StepStatus =
  | 'began'
  | 'killing'
  | 'stopped'
  | 'killed'
  | 'not-running'
  | 'ready'
  | 'failed'
  | 'skipped'
  | 'not-run';

/** One line of the restart's progress: a container's stop or start began, or ended. */
export interface StepEvent {
  type: 'step';
  action: 'stop' | 'start';
  service: string;
  container: string;
  status: StepStatus;
  /** ISO time of the event. */
  at: string;
  /** Time the step took, in milliseconds, once it ended; null while it runs. */
  durationMs: number | null;
  /** Why it failed, was skipped or killed, else null. */
  detail: string | null;
  /** Last log lines of a container that did not come back. */
  logs?: string[];
}

/** What happened to one container in the restart. */
export interface ContainerOutcome {
  service: string;
  container: string;
  id: string;
  /** Outcome of the stop, or null before it ran. */
  stop: StepStatus | null;
  stopMs: number | null;
  start: StepStatus | null;
  startMs: number | null;
  detail: string | null;
  logs: string[];
}
