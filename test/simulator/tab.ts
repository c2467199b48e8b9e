import type { Browser, Page } from 'puppeteer-core';
import { simulatorUrl } from './controller.js';

/**
 * Opens a tab that loads `html` as https://web.whatsapp.com/ through request
 * interception and aborts every other request. `prepare` runs before the
 * navigation, for emulation such as a viewport or a user agent.
 */
export async function openSimulatorTab(
  browser: Browser,
  html: string,
  prepare: (tab: Page) => Promise<void> = async () => {},
): Promise<Page> {
  const tab = await browser.newPage();
  await tab.setRequestInterception(true);
  tab.on('request', (request) => {
    if (request.url() === simulatorUrl) {
      void request.respond({ status: 200, contentType: 'text/html', body: html });
    } else {
      void request.abort();
    }
  });
  await prepare(tab);
  await tab.goto(simulatorUrl, { waitUntil: 'load' });
  return tab;
}
