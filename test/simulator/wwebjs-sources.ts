import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Client.js methods that run from initialize() to `ready`. initialize()
 * navigates and calls inject(). inject() calls setDeviceName() and
 * getWWebVersion(), and its `hasSynced` handler calls attachEventListeners()
 * before it emits `ready`. requestPairingCode() is left out because it runs
 * only for pairing by phone number, which the simulator does not offer.
 */
export const methodsBeforeReady = [
  'initialize',
  'inject',
  'setDeviceName',
  'getWWebVersion',
  'attachEventListeners',
] as const;

/** Module names that the code run from initialize() to ready reads, with the file each came from. */
export interface ModuleReference {
  name: string;
  source: string;
}

/**
 * Reads the installed whatsapp-web.js and lists the modules its code reads
 * between initialize() and `ready`. These are every `require('X')` in the
 * methods of `methodsBeforeReady` and in AuthStore.js (all of it runs in
 * inject()). They also include every `injectToFunction({ module: 'X' })`
 * target in those methods and in Utils.js. LoadUtils (Utils.js) otherwise only
 * defines functions whose lookups run after ready, so its other names are out
 * of scope.
 */
export async function modulesReadBeforeReady(): Promise<ModuleReference[]> {
  const root = wwebjsRoot();
  const client = await readFile(path.join(root, 'src/Client.js'), 'utf8');
  const authStore = await readFile(
    path.join(root, 'src/util/Injected/AuthStore/AuthStore.js'),
    'utf8',
  );
  const utils = await readFile(path.join(root, 'src/util/Injected/Utils.js'), 'utf8');

  const references: ModuleReference[] = [];
  for (const method of methodsBeforeReady) {
    const body = methodBody(client, method);
    for (const name of [...requiredNames(body), ...injectedModuleNames(body)]) {
      references.push({ name, source: `Client.js ${method}()` });
    }
  }
  for (const name of requiredNames(authStore)) {
    references.push({ name, source: 'AuthStore.js' });
  }
  for (const name of injectedModuleNames(utils)) {
    references.push({ name, source: 'Utils.js LoadUtils' });
  }
  return references;
}

/** Returns the directory of the installed whatsapp-web.js package. */
export function wwebjsRoot(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('whatsapp-web.js/package.json'));
}

/**
 * Returns the source of a class method, from its header line to the closing
 * brace at the same indentation (four spaces, as the package ships it).
 */
export function methodBody(source: string, method: string): string {
  const lines = source.split('\n');
  const header = new RegExp(`^    (async )?${method}\\(`);
  const start = lines.findIndex((line) => header.test(line));
  if (start === -1) throw new Error(`method ${method}() not found in whatsapp-web.js Client.js`);
  const end = lines.findIndex((line, index) => index > start && line === '    }');
  if (end === -1) throw new Error(`end of method ${method}() not found in Client.js`);
  return lines.slice(start, end + 1).join('\n');
}

/** Returns the names in `require('X')` calls, also when a formatter broke a call over lines. */
export function requiredNames(source: string): string[] {
  return [...source.matchAll(/\brequire\(\s*['"]([\w$]+)['"]\s*,?\s*\)/g)].map(
    (match) => match[1] as string,
  );
}

/** Returns the names in `injectToFunction({ module: 'X', ... })` targets. */
export function injectedModuleNames(source: string): string[] {
  return [...source.matchAll(/injectToFunction\(\s*\{\s*module:\s*['"]([\w$]+)['"]/g)].map(
    (match) => match[1] as string,
  );
}
