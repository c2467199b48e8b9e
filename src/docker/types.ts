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
}
