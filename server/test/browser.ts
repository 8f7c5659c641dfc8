/** Headless Chromium for the desk's tests, as scripts/browser.mjs starts it for the element's. */
import { Launcher } from 'chrome-launcher';
import puppeteer, { type Browser } from 'puppeteer-core';

export function launchChrome(): Promise<Browser> {
  const [path] = Launcher.getInstallations();
  if (!path) throw new Error('No Chrome or Chromium found: install one, or set CHROME_PATH to its executable.');
  const args = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return puppeteer.launch({ executablePath: path, headless: true, args });
}
