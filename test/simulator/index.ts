export {
  browserMainPidsFor,
  chromiumExecutable,
  chromiumPidsFor,
  requireChromiumExecutable,
  sandboxChromiumArgs,
} from './chromium.js';
export { createSimulatedClient, nextEvent, profileDirOf } from './client.js';
export type { SimulatedClientOptions } from './client.js';
export {
  connectSimulator,
  readDevToolsEndpoint,
  simulatorUrl,
  type SimulatorController,
  type SimulatorState,
} from './controller.js';
export {
  defaultPageOptions,
  renderSimulatorPage,
  resolvePageOptions,
  simulatorPageHtml,
  writeSimulatorPage,
  type BrowserConditions,
  type DisconnectRule,
  type SimulatorClientOptions,
  type SimulatorPageOptions,
} from './page.js';
export { openSimulatorTab } from './tab.js';
