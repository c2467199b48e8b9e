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
      // The page sees the real window, as the profile's windowSize sets it.
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
