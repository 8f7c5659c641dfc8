import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { mockEndpoint } from './test/support/mock-endpoint.mjs';

// Chrome or Chromium is found by chrome-launcher: CHROME_PATH if set, else the usual install locations.
const args = ['--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
// Chromium's sandbox cannot start as root (CI and containers).
if (process.getuid?.() === 0) args.push('--no-sandbox');

export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: true,
  hostname: '127.0.0.1',
  // One page at a time: keyboard tests need the page to have focus.
  concurrency: 1,
  plugins: [esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' })],
  middleware: [mockEndpoint],
  browsers: [chromeLauncher({ launchOptions: { args } })],
  testFramework: { config: { timeout: 10000 } },
};
