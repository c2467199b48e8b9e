// A local stand-in for the npm registry: serves the packument of whatsapp-web.js on
// 127.0.0.1, so the library check never reaches the real registry in tests.
import http from 'node:http';
import { startTracked } from './socket-servers.js';

export type RegistryMode = 'serve' | 'error' | 'hang';

export interface RegistryStub {
  /** Base URL such as http://127.0.0.1:40123, the value of `npmRegistry`. */
  url: string;
  /** Paths of the requests received, in order. */
  requests: string[];
  /** Sets the version that dist-tags.latest names; it is added to the versions too. */
  setLatest(version: string): void;
  /** serve: packuments; error: HTTP 503 to every request; hang: accept and never respond. */
  setMode(mode: RegistryMode): void;
  /** Stops the server, after which its port refuses connections. */
  close(): Promise<void>;
}

const packageName = 'whatsapp-web.js';
/** Media type of the abbreviated packument that npm itself requests. */
const abbreviatedType = 'application/vnd.npm.install-v1+json';

/** Starts the stub with `versions` published and `latest` as dist-tags.latest. */
export async function startRegistryStub(options: {
  latest: string;
  versions?: string[];
}): Promise<RegistryStub> {
  const versions = new Set(options.versions ?? []);
  let latest = options.latest;
  let mode: RegistryMode = 'serve';
  const requests: string[] = [];

  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    if (mode === 'hang') return;
    if (mode === 'error') return sendJson(response, 503, { error: 'Service Unavailable' });
    if (request.url !== `/${packageName}`) return sendJson(response, 404, { error: 'Not found' });
    const abbreviated = (request.headers.accept ?? '').includes(abbreviatedType);
    const body = packument([...versions, latest], latest, abbreviated);
    sendJson(response, 200, body, abbreviated ? abbreviatedType : 'application/json');
  });
  const handle = await startTracked(server);

  return {
    url: handle.url,
    requests,
    setLatest: (version) => {
      latest = version;
    },
    setMode: (next) => {
      mode = next;
    },
    close: handle.close,
  };
}

function packument(versions: string[], latest: string, abbreviated: boolean): object {
  const entries = [...new Set(versions)].map((version) => [
    version,
    {
      name: packageName,
      version,
      dist: { tarball: `http://127.0.0.1/${packageName}/-/${packageName}-${version}.tgz` },
    },
  ]);
  const common = {
    name: packageName,
    'dist-tags': { latest },
    versions: Object.fromEntries(entries),
    modified: '2026-01-01T00:00:00.000Z',
  };
  return abbreviated ? common : { _id: packageName, description: 'stub packument', ...common };
}

function sendJson(
  response: http.ServerResponse,
  status: number,
  body: object,
  type = 'application/json',
): void {
  response.writeHead(status, { 'Content-Type': type });
  response.end(JSON.stringify(body));
}
