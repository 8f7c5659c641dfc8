/** Starts the same headless Chrome or Chromium the tests use: CHROME_PATH if set, else the first one installed. */
import { Launcher } from 'chrome-launcher';
import puppeteer from 'puppeteer-core';

export function findChrome() {
  const [path] = Launcher.getInstallations();
  if (!path) throw new Error('No Chrome or Chromium found: install one, or set CHROME_PATH to its executable.');
  return path;
}

export function launchChrome() {
  const args = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  return puppeteer.launch({ executablePath: findChrome(), headless: true, args });
}
