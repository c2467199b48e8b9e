import path from 'node:path';
import wwebjs, { type Client as ClientType } from 'whatsapp-web.js';
import { chromiumExecutable, sandboxChromiumArgs } from './chromium.js';
import type { SimulatorClientOptions } from './page.js';

const { Client, LocalAuth } = wwebjs;

export interface SimulatedClientOptions {
  /** LocalAuth dataPath; the profile is `<dataPath>/session-<clientId>`. */
  dataPath: string;
  clientId: string;
  /** What writeSimulatorPage returned. */
  page: SimulatorClientOptions;
  /** wwebjs `userAgent` option; the wwebjs default (a desktop Chrome 101) when omitted. */
  userAgent?: string;
  /** Chromium arguments after sandboxChromiumArgs, such as `--window-size=1280,800`. */
  extraArgs?: string[];
}

/** Creates a wwebjs Client with LocalAuth, Debian's Chromium and the sandbox flags, aimed at the simulator. */
export function createSimulatedClient(options: SimulatedClientOptions): ClientType {
  return new Client({
    authStrategy: new LocalAuth({ clientId: options.clientId, dataPath: options.dataPath }),
    webVersion: options.page.webVersion,
    webVersionCache: options.page.webVersionCache,
    ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
    puppeteer: {
      executablePath: chromiumExecutable,
      args: [...sandboxChromiumArgs, ...(options.extraArgs ?? [])],
    },
  });
}

/** Returns the Chromium profile folder that LocalAuth gives a client. */
export function profileDirOf(dataPath: string, clientId: string): string {
  return path.join(path.resolve(dataPath), `session-${clientId}`);
}

/** Resolves with the arguments of the next `event`, or rejects after `timeoutMs`. */
export function nextEvent(
  client: ClientType,
  event: string,
  timeoutMs = 15_000,
): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const onEvent = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args);
    };
    const timer = setTimeout(() => {
      client.off(event, onEvent);
      reject(new Error(`no "${event}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    client.once(event, onEvent);
  });
}
