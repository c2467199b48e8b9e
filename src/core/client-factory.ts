import wwebjs, { type Client, type ClientOptions } from 'whatsapp-web.js';
import type { Config } from '../config/schema.js';
import { launchArgs, type Profile } from './profiles.js';

const { Client: WwebjsClient, LocalAuth } = wwebjs;

export interface ClientInput {
  config: Pick<Config, 'chromium' | 'whatsapp'>;
  profile: Profile;
  clientId: string;
  /** LocalAuth dataPath: the folder holding the session-<clientId> folders. */
  credentialsDir: string;
  /** QR refreshes before wwebjs gives up with disconnected('Max qrcode retries reached'). */
  qrMaxRetries: number;
}

/** Creates the wwebjs Client of one connection; nothing is launched until initialize(). */
export function createClient(input: ClientInput): Client {
  const { config, profile } = input;
  const options: ClientOptions = {
    authStrategy: new LocalAuth({ clientId: input.clientId, dataPath: input.credentialsDir }),
    qrMaxRetries: input.qrMaxRetries,
    puppeteer: {
      executablePath: config.chromium.executablePath,
      headless: profile.headless,
      args: launchArgs(profile, config.chromium.extraArgs),
      // The page observes the real window size, which the profile's windowSize sets.
      defaultViewport: null,
      // The host stops every browser on SIGINT/SIGTERM itself; puppeteer's
      // own handlers would kill them and exit the process first.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    },
  };
  if (profile.userAgent) options.userAgent = profile.userAgent;
  if (config.whatsapp.webVersion) options.webVersion = config.whatsapp.webVersion;
  if (config.whatsapp.webVersionCache) {
    options.webVersionCache = config.whatsapp.webVersionCache as ClientOptions['webVersionCache'];
  }
  return new WwebjsClient(options);
}

/**
 * Sends errors of wwebjs's page re-injection to `onError`. wwebjs 1.34.7 runs
 * its private inject() again from a page 'framenavigated' listener (after a
 * reload, such as a logout from the phone) without catching it, so a browser
 * closed during that run leaves an unhandled rejection, which ends a Node
 * process by default. The run inside initialize() still rejects initialize().
 */
export function routeLateInjectErrors(client: Client, onError: (error: unknown) => void): void {
  const internals = client as unknown as { inject: () => Promise<void> };
  const inject = internals.inject.bind(client);
  const initialize = client.initialize.bind(client);
  let initialized = false;

  client.initialize = async () => {
    try {
      await initialize();
    } finally {
      initialized = true;
    }
  };
  internals.inject = async () => {
    if (!initialized) return inject();
    try {
      await inject();
    } catch (error) {
      onError(error);
    }
  };
}
