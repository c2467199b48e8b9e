import { z } from 'zod';
import { parseDuration } from './units.js';

const clientIdRule = /^[-_\w]+$/;

const duration = z.string().refine((text) => parseDuration(text) !== undefined, {
  message: 'expected a duration such as "90s", "12h" or "3d"',
});

const absolutePath = z
  .string()
  .min(1)
  .refine((text) => text.startsWith('/'), {
    message: 'expected an absolute path',
  });

/**
 * An argument appended to every profile. The core sets --user-data-dir to the
 * connection's credentials folder, puppeteer owns --remote-debugging-*, and
 * whatsapp-web.js sets --user-agent from its option. A copy here could win,
 * and a --user-data-dir would send a logged-in connection to another folder.
 */
const extraArgument = z
  .string()
  .startsWith('--', { message: 'expected an argument starting with --' })
  .refine(
    (argument) => {
      const flag = argument.split('=')[0] as string;
      return (
        !['--user-data-dir', '--user-agent'].includes(flag) &&
        !flag.startsWith('--remote-debugging-')
      );
    },
    {
      message:
        '--user-data-dir, --remote-debugging-* and --user-agent are set by wr, puppeteer and whatsapp-web.js; a profile sets the user agent with "userAgent"',
    },
  );

const connection = z
  .object({
    id: z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String),
    name: z.string().optional(),
    profile: z.string().min(1).default('default'),
  })
  .strict();

const webVersionCache = z
  .object({
    type: z.enum(['local', 'remote', 'none']),
    path: absolutePath.optional(),
    remotePath: z.string().url().optional(),
    strict: z.boolean().optional(),
  })
  .strict();

/**
 * The schema of `wr.config.json`. Objects are strict so that a misspelt key
 * is reported instead of silently ignored.
 */
export const configSchema = z
  .object({
    project: z.string().min(1).optional(),
    docker: z
      .object({
        host: z
          .string()
          .regex(/^(unix|tcp|http|https):\/\/./, {
            message: 'expected unix:///path/to/docker.sock or tcp://host:port',
          })
          .optional(),
      })
      .strict()
      .default({}),
    paths: z
      .object({
        public: absolutePath.optional(),
        credentials: absolutePath.optional(),
        app: absolutePath.optional(),
      })
      .strict()
      .default({}),
    clientIdPattern: z
      .string()
      .refine((text) => text.includes('{id}'), { message: 'expected a pattern containing {id}' })
      .refine((text) => clientIdRule.test(text.replace('{id}', '0')), {
        message: 'expected only letters, digits, "_" and "-" around {id}',
      })
      .default('{id}'),
    backendService: z.string().min(1).default('backend'),
    connections: z.array(connection).default([]),
    profilesDir: absolutePath.optional(),
    chromium: z
      .object({
        executablePath: absolutePath.default('/usr/bin/chromium'),
        // Appended to every profile's arguments; the sandbox and tests use it
        // for the flags that keep Chromium from resolving any host.
        extraArgs: z.array(extraArgument).default([]),
      })
      .strict()
      .default({}),
    whatsapp: z
      .object({
        webVersion: z.string().min(1).optional(),
        webVersionCache: webVersionCache.optional(),
      })
      .strict()
      .default({}),
    control: z
      .object({
        socket: absolutePath.default('/run/wr/control.sock'),
        url: z.string().url().nullable().default(null),
        token: z.string().min(1).nullable().default(null),
      })
      .strict()
      .default({}),
    socketService: z
      .object({
        url: z.string().url().nullable().default(null),
        path: z.string().startsWith('/').default('/socket.io'),
      })
      .strict()
      .default({}),
    npmRegistry: z.string().url().default('https://registry.npmjs.org'),
    thresholds: z
      .object({
        ramPercent: z.number().gt(0).lte(100).default(85),
        diskFreePercent: z.number().gte(0).lt(100).default(10),
        uptime: duration.default('3d'),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type ConnectionConfig = Config['connections'][number];
