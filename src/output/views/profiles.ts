import type { ProfileList } from '../../../commands/profiles-list.js';
import type { ProfileDetail } from '../../../commands/profiles-show.js';
import type { ProfileEntry } from '../../core/profiles/catalog.js';
import type { Profile } from '../../core/profiles/validate.js';
import { createChalk, type OutputOptions } from '../style.js';
import { createTable } from '../table.js';

/** Renders the profiles as a table, invalid ones with their error, then the folders read. */
export function profileListView(list: ProfileList, options: OutputOptions): string {
  const chalk = createChalk(options);
  const table = createTable(
    ['name', 'from', 'browser settings', 'args', 'used by', 'description'],
    [14, 15, 30, 6, 10, 43],
    options,
  );
  for (const entry of list.profiles) {
    const used = entry.connections.join(', ');
    if (entry.profile === null) {
      table.push([entry.name, origin(entry), chalk.red('invalid'), '', used, entry.error ?? '']);
      continue;
    }
    table.push([
      entry.name,
      origin(entry),
      settings(entry.profile),
      String(entry.profile.args.length),
      used,
      entry.profile.description,
    ]);
  }
  const folders = [`shipped profiles: ${list.shippedDir}`];
  if (list.profilesDir) folders.push(`profilesDir: ${list.profilesDir}`);
  return [table.toString(), chalk.dim(folders.join('\n')), 'next: wr profiles show <name>'].join(
    '\n',
  );
}

/** Renders one profile, then every argument of its launch grouped by who adds it. */
export function profileShowView(detail: ProfileDetail, options: OutputOptions): string {
  const chalk = createChalk(options);
  const { profile, launch } = detail;
  const lines = [
    `${chalk.bold(`profile ${profile.name}`)}: ${detail.file} (${origin(detail)})`,
    profile.description,
    `settings: ${settings(profile)}`,
    `user agent (argument and page): ${launch.userAgent.value} ${chalk.dim(`(${launch.userAgent.source})`)}`,
  ];
  if (detail.connections.length > 0)
    lines.push(`used by connections: ${detail.connections.join(', ')}`);
  lines.push(browserLine(detail));

  lines.push('', 'arguments in launch order:');
  for (const layer of launch.layers) {
    lines.push(`  ${chalk.cyan(layer.source)}`, ...layer.args.map((argument) => `    ${argument}`));
  }
  if (launch.reorderedByWrapper) {
    lines.push(
      chalk.yellow(
        `${launch.executable!.executablePath} moves the flags before the first non-flag argument (about:blank) behind the others; run with --verbose for the order the browser gets`,
      ),
    );
  }
  if (options.verbose) {
    lines.push('', 'command line:', `  ${launch.commandLine.map(shellQuote).join(' ')}`);
  }
  return lines.join('\n');
}

function browserLine(detail: ProfileDetail): string {
  const { executable, executableError } = detail.launch;
  if (executable === null) return `browser: not inspected: ${executableError ?? 'unknown error'}`;
  const via =
    executable.browserPath === executable.executablePath ? '' : ` via ${executable.executablePath}`;
  return `browser: ${executable.browserPath}${via}${executable.version ? `, ${executable.version}` : ''}`;
}

/** Quotes a word for a POSIX shell when it contains anything but safe characters. */
function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function origin(entry: Pick<ProfileEntry, 'origin' | 'overrides'>): string {
  if (entry.origin === 'shipped') return 'shipped';
  return entry.overrides ? 'profilesDir, replaces shipped' : 'profilesDir';
}

/** Sums up headless mode, window size, language and user agent in one line. */
function settings(profile: Profile): string {
  const parts = [profile.headless === 'shell' ? 'headless shell' : 'headless'];
  if (profile.windowSize) parts.push(`window ${profile.windowSize.join('x')}`);
  if (profile.lang) parts.push(`lang ${profile.lang}`);
  parts.push(
    profile.userAgent ? `user agent ${shortUserAgent(profile.userAgent)}` : 'wwebjs user agent',
  );
  return parts.join(', ');
}

/** Returns the browser token of a user agent, such as "Chrome/156.0.0.0", or the whole string. */
function shortUserAgent(userAgent: string): string {
  return userAgent.match(/(?:HeadlessChrome|Chrome|Firefox|Safari)\/[\d.]+/)?.[0] ?? userAgent;
}
