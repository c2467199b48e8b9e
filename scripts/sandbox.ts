// A local sandbox deployment to try wr on: compose-labelled busybox
// containers (a backend whose fake Chromium uses a bind-mounted credentials
// folder), a socket.io service, an npm registry stub, a public folder and
// credential folders written by real Chromium. `up` writes
// .sandbox/wr.config.json for them; `down` removes everything it made.
import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeChromiumProfile } from '../test/harness/chromium.js';
import { buildBusyboxImage } from '../test/harness/busybox-image.js';
import { createServiceContainer, removeProject } from '../test/harness/compose.js';
import { ping, startDockerd, stopDetachedDockerd } from '../test/harness/dockerd.js';
import { compileFakeBrowser } from '../test/harness/fake-browser.js';
import { repoRoot } from '../test/harness/cli.js';
import { sandboxChromiumArgs, writeSimulatorPage } from '../test/simulator/index.js';

const project = 'wr-sandbox';
const sandbox = path.join(repoRoot, '.sandbox');
const stateFile = path.join(sandbox, 'state.json');
const appInContainer = '/usr/src/app';

interface SandboxState {
  dockerHost: string;
  /** Folder of the private dockerd this sandbox started, or null when it used a running engine. */
  privateDockerdRoot: string | null;
  servicesPid: number | null;
}

function log(message: string): void {
  console.error(`sandbox: ${message}`);
}

/** Uses a running engine when there is one; starts a private dockerd only where none runs. */
async function engine(): Promise<Pick<SandboxState, 'dockerHost' | 'privateDockerdRoot'>> {
  const candidates = [process.env.DOCKER_HOST, 'unix:///var/run/docker.sock'];
  for (const host of candidates) {
    if (host?.startsWith('unix://') && (await ping(host.slice('unix://'.length)))) {
      log(`using the running Docker engine at ${host}`);
      return { dockerHost: host, privateDockerdRoot: null };
    }
  }
  log('no running Docker engine: starting a private dockerd');
  const dockerd = await startDockerd({ detached: true });
  log(`private dockerd (${dockerd.storageDriver}) on ${dockerd.host}`);
  return { dockerHost: dockerd.host, privateDockerdRoot: dockerd.root };
}

async function startServices(): Promise<{
  pid: number;
  socketServiceUrl: string;
  registryUrl: string;
}> {
  const logFile = openSync(path.join(sandbox, 'services.log'), 'a');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'scripts/sandbox-services.ts')],
    {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', logFile],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(output.split('\n')[0] as string);
    });
    child.once('exit', (code) =>
      reject(new Error(`sandbox services exited (${code}); see .sandbox/services.log`)),
    );
  });
  child.stdout?.destroy();
  child.unref();
  return {
    pid: child.pid as number,
    ...(JSON.parse(line) as { socketServiceUrl: string; registryUrl: string }),
  };
}

async function writeFolders(): Promise<{
  backend: string;
  credentials: string;
  publicDir: string;
}> {
  const backend = path.join(sandbox, 'backend');
  const publicDir = path.join(backend, 'public');
  const credentials = path.join(backend, '.wwebjs_auth');
  await mkdir(publicDir, { recursive: true });
  for (let index = 0; index < 40; index += 1) {
    await writeFile(
      path.join(publicDir, `media-${index}.jpg`),
      Buffer.alloc(64 * 1024 * (1 + (index % 8)), index),
    );
  }
  const wwebjs = path.join(backend, 'node_modules/whatsapp-web.js');
  await mkdir(wwebjs, { recursive: true });
  await writeFile(
    path.join(wwebjs, 'package.json'),
    JSON.stringify({ name: 'whatsapp-web.js', version: '1.23.0' }),
  );

  log('writing credential folders with real Chromium (session-bd_1, session-bd_7)');
  await writeChromiumProfile(path.join(credentials, 'session-bd_1'));
  await writeChromiumProfile(path.join(credentials, 'session-bd_7'));
  await mkdir(path.join(credentials, 'session-bd_2'), { recursive: true });
  return { backend, credentials, publicDir };
}

async function createContainers(
  host: string,
  folders: { backend: string; credentials: string; publicDir: string },
) {
  const fakeBrowser = await compileFakeBrowser();
  const image = 'wr-sandbox/busybox:latest';
  await buildBusyboxImage(host, {
    tag: image,
    files: [{ path: '/usr/lib/chromium/chromium', source: fakeBrowser, mode: 0o755 }],
  });
  await rm(path.dirname(fakeBrowser), { recursive: true, force: true });

  const idle = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'];
  await createServiceContainer(host, { project, service: 'db', image, command: idle, init: true });
  await createServiceContainer(host, {
    project,
    service: 'backend',
    image,
    init: true,
    dependsOn: ['db'],
    workingDir: appInContainer,
    binds: [
      `${folders.publicDir}:${appInContainer}/public`,
      `${folders.credentials}:${appInContainer}/.wwebjs_auth`,
    ],
    command: [
      '/usr/lib/chromium/chromium',
      `--user-data-dir=${appInContainer}/.wwebjs_auth/session-bd_2`,
    ],
  });
  await createServiceContainer(host, {
    project,
    service: 'frontend',
    image,
    command: idle,
    init: true,
    dependsOn: ['backend'],
  });
}

async function up(): Promise<void> {
  if (existsSync(stateFile)) await down();
  await mkdir(sandbox, { recursive: true });
  const { dockerHost, privateDockerdRoot } = await engine();
  const state: SandboxState = { dockerHost, privateDockerdRoot, servicesPid: null };
  await writeFile(stateFile, JSON.stringify(state, null, 2));

  const services = await startServices();
  state.servicesPid = services.pid;
  await writeFile(stateFile, JSON.stringify(state, null, 2));

  const folders = await writeFolders();
  log(`creating containers of compose project "${project}"`);
  await createContainers(dockerHost, folders);

  const config = {
    project,
    docker: { host: dockerHost },
    // paths.public and paths.credentials are left out on purpose: wr doctor
    // finds them through the backend container's mounts.
    paths: { app: folders.backend },
    clientIdPattern: 'bd_{id}',
    backendService: 'backend',
    connections: [
      { id: '1', name: 'Sucursal Centro', profile: 'default' },
      { id: '2', name: 'Sucursal Norte', profile: 'default' },
      { id: '3', name: 'Sucursal Sur (simulated)', profile: 'default' },
    ],
    control: { socket: path.join(sandbox, 'control.sock'), url: null, token: null },
    socketService: { url: services.socketServiceUrl, path: '/socket.io' },
    npmRegistry: services.registryUrl,
    thresholds: { ramPercent: 85, diskFreePercent: 10, uptime: '3d' },
  };
  await writeFile(path.join(sandbox, 'wr.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  log('wrote .sandbox/wr.config.json');
  await writeServeConfig(config, folders.credentials);
  log('wrote .sandbox/serve.config.json (wr serve against the local WhatsApp Web simulator)');
}

/**
 * Writes the config `wr serve` uses in the sandbox: connection 3 on the same
 * credentials folder, its browser loading the WhatsApp Web simulator from the
 * local web version cache, with the flags that keep Chromium off the network.
 */
async function writeServeConfig(base: object, credentials: string): Promise<void> {
  const page = await writeSimulatorPage(path.join(sandbox, 'wwebjs-cache'), { syncDelayMs: 1500 });
  const serveConfig = {
    ...base,
    paths: { ...(base as { paths: object }).paths, credentials },
    connections: [{ id: '3', name: 'Sucursal Sur (simulated)', profile: 'default' }],
    chromium: { executablePath: '/usr/bin/chromium', extraArgs: [...sandboxChromiumArgs] },
    whatsapp: { webVersion: page.webVersion, webVersionCache: page.webVersionCache },
    control: { socket: path.join(sandbox, 'control.sock'), url: null, token: null },
  };
  await writeFile(
    path.join(sandbox, 'serve.config.json'),
    `${JSON.stringify(serveConfig, null, 2)}\n`,
  );
}

async function down(): Promise<void> {
  if (!existsSync(stateFile)) {
    log('no sandbox to remove');
    return;
  }
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as SandboxState;
  await removeProject(state.dockerHost, project).catch((error: Error) =>
    log(`removing containers: ${error.message}`),
  );
  if (state.servicesPid) {
    try {
      process.kill(state.servicesPid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  if (state.privateDockerdRoot) await stopDetachedDockerd(state.privateDockerdRoot);
  await rm(sandbox, { recursive: true, force: true });
  log('removed the sandbox');
}

const action = process.argv[2] ?? 'up';
if (action === 'up') await up();
else if (action === 'down') await down();
else {
  console.error(`sandbox: unknown action "${action}"; use up or down`);
  process.exitCode = 2;
}
