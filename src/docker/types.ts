/** A bind mount or volume of a container: `destination` inside, `source` on the host. */
export interface MountInfo {
  source: string;
  destination: string;
  type: string;
  readOnly: boolean;
}

/** One container of the compose project, as `wr` needs it. */
export interface ContainerInfo {
  id: string;
  name: string;
  /** Value of the `com.docker.compose.service` label, or the name when absent. */
  service: string;
  /** Engine state: running, exited, created, paused, restarting, dead. */
  state: string;
  /** healthy, unhealthy, starting, or null when the container has no healthcheck. */
  health: string | null;
  startedAt: Date | null;
  restartCount: number;
  /** Host pid of the container's first process, or null when not running. */
  pid: number | null;
  hostname: string;
  /** Whether the container runs with an init process (`HostConfig.Init`). */
  init: boolean;
  /** The memory limit set on the container (`HostConfig.Memory`), or null when it has none. */
  memoryLimitBytes: number | null;
  mounts: MountInfo[];
  labels: Record<string, string>;
}

/** Memory of a running container from the engine's stats, in bytes. */
export interface ContainerMemory {
  usageBytes: number;
  /** The cgroup limit, or the host's memory when the container has none. */
  limitBytes: number;
}

/** The state of one container that a restart waits on, from inspect. */
export interface ContainerStatus {
  id: string;
  name: string;
  /** Engine state: running, exited, created, paused, restarting, dead. */
  state: string;
  exitCode: number;
  oomKilled: boolean;
  /** The engine's error for a start that failed, such as an executable not found, or null. */
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  restartCount: number;
  hasHealthcheck: boolean;
  /** healthy, unhealthy, starting, or null when the container has no healthcheck. */
  health: string | null;
  /** The most recent health probe, or null before the first one. */
  lastProbe: { startedAt: Date | null; exitCode: number; output: string } | null;
}

/** One container event of the engine, such as start, die, kill or health_status: healthy. */
export interface EngineEvent {
  action: string;
  /** Container id. */
  id: string;
  /** Container name, without the leading slash. */
  name: string;
  /** Labels and event details, such as `signal` of a kill or `exitCode` of a die. */
  attributes: Record<string, string>;
  time: Date;
}

/** Options of one engine call. */
export interface EngineCallOptions {
  /** Aborts the call, e.g. when a doctor check reaches its timeout; the call rejects with its reason. */
  signal?: AbortSignal;
}

/**
 * The engine operations `wr` uses; only src/docker talks to dockerode. Every
 * call has its own time limit and throws a WrError with code
 * DOCKER_UNREACHABLE naming the host when the engine does not respond.
 */
export interface DockerEngine {
  /** Engine version and API version. */
  version(options?: EngineCallOptions): Promise<{ version: string; apiVersion: string }>;
  /** All containers (running or not) whose compose project label is `project`. */
  listProjectContainers(project: string, options?: EngineCallOptions): Promise<ContainerInfo[]>;
  /** Memory stats of a running container, or null when the engine returns none. */
  containerMemory(id: string, options?: EngineCallOptions): Promise<ContainerMemory | null>;
  /** Runs a command in a running container and returns its stdout. */
  exec(
    id: string,
    command: string[],
    options?: EngineCallOptions,
  ): Promise<{ exitCode: number; stdout: string }>;
  /** Hostnames of every running container, to judge SingletonLock owners. */
  runningHostnames(options?: EngineCallOptions): Promise<Map<string, ContainerInfo>>;
  /**
   * Stops a container: its stop signal, then SIGKILL after `timeoutSeconds`
   * (whole seconds, as the engine takes them). The call's own time limit is
   * extended by the stop timeout. Returns false when it was not running.
   */
  stopContainer(id: string, timeoutSeconds: number, options?: EngineCallOptions): Promise<boolean>;
  /** Starts a container; returns false when it was already running. */
  startContainer(id: string, options?: EngineCallOptions): Promise<boolean>;
  /** The container's state, exit code and health probes, or null when it no longer exists. */
  containerStatus(id: string, options?: EngineCallOptions): Promise<ContainerStatus | null>;
  /** The last `lines` lines of the container's stdout and stderr. */
  containerLogs(id: string, lines: number, options?: EngineCallOptions): Promise<string[]>;
  /**
   * Streams container events of `ids` from `since` (default now) until the
   * signal aborts. Unlike other calls it has no time limit; the signal ends it.
   */
  containerEvents(
    ids: string[],
    options: EngineCallOptions & { signal: AbortSignal; since?: Date },
  ): AsyncGenerator<EngineEvent>;
}
