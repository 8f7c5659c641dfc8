import { esbuildPlugin } from '@web/dev-server-esbuild';
import { build } from 'esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';
import { mockEndpoint } from './test/support/mock-endpoint.mjs';

// Lets this config start the reference server, which is TypeScript.
register();

// Chrome or Chromium is found by chrome-launcher: CHROME_PATH if set, else the usual install locations.
const args = ['--headless=new', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
// Chromium's sandbox cannot start as root (CI and containers).
if (process.getuid?.() === 0) args.push('--no-sandbox');

/**
 * The real reference server, twice (publishing at once, and moderated), on free ports with throwaway databases, for
 * the end-to-end tests. Their URLs are at `/e2e/server` and `/e2e/moderated`; they allow the test pages' origin, so
 * the element posts across origins as on a publisher's site.
 */
function referenceServer() {
  const running = {};
  const dataDirs = [];
  return {
    name: 'reference-server',
    async serverStart({ server }) {
      const { startServer } = await import('./server/src/server.ts');
      const { settingsFromEnvironment } = await import('./server/src/settings.ts');
      const { port } = server.address();
      for (const moderation of [false, true]) {
        const dataDir = mkdtempSync(join(tmpdir(), 'news-comments-e2e-'));
        dataDirs.push(dataDir);
        running[moderation ? 'moderated' : 'server'] = await startServer({
          ...settingsFromEnvironment({}),
          port: 0,
          dataDir,
          moderation,
          minFillSeconds: 0,
          rateLimitCount: 1000,
          allowedOrigins: [`http://127.0.0.1:${port}`],
        });
      }
    },
    async serverStop() {
      for (const server of Object.values(running)) await server.close();
      for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
    },
    serve(context) {
      // `/e2e/server`: publishes at once; `/e2e/moderated`: every comment waits for a moderator.
      const which = /^\/e2e\/(server|moderated)$/.exec(context.path)?.[1];
      if (which) return { body: JSON.stringify({ url: running[which].url }), type: 'json' };
    },
  };
}

/**
 * `executeServerCommand('go-offline', { milliseconds })`: takes the test page off the network for a while, as a
 * tunnel would. It answers first and goes offline after: an offline page could not hear the answer.
 */
function offlineCommand() {
  return {
    name: 'go-offline',
    async executeCommand({ command, payload, session }) {
      if (command !== 'go-offline') return undefined;
      const page = session.browser.getPage(session.id);
      setTimeout(async () => {
        await page.setOfflineMode(true);
        setTimeout(() => page.setOfflineMode(false), payload.milliseconds);
      }, 50);
      return true;
    },
  };
}

/** React 19 as one ES module at `/react.js`, for the React usage test: React itself ships CommonJS only. */
function reactModule() {
  let code;
  return {
    name: 'react-module',
    async serve(context) {
      if (context.path !== '/react.js') return undefined;
      code ??= (
        await build({
          stdin: {
            contents: `export { default as React } from 'react';
              export { flushSync } from 'react-dom';
              export { createRoot } from 'react-dom/client';`,
            resolveDir: process.cwd(),
          },
          bundle: true,
          format: 'esm',
          write: false,
          define: { 'process.env.NODE_ENV': '"development"' },
        })
      ).outputFiles[0].text;
      return { body: code, type: 'js' };
    },
  };
}

/**
 * `/slow-chunks/…` serves the same files as `/…`, but holds back the deferred chunk for 1.5 s: a reader on a slow
 * connection who sends before it has arrived.
 */
async function slowChunks(context, next) {
  if (!context.url.startsWith('/slow-chunks/')) return next();
  if (context.url.includes('/chunks/deferred.js')) await new Promise((resolve) => setTimeout(resolve, 1500));
  context.url = context.url.slice('/slow-chunks'.length);
  return next();
}

export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: true,
  hostname: '127.0.0.1',
  // One page at a time: keyboard tests need the page to have focus.
  concurrency: 1,
  plugins: [
    reactModule(),
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
    referenceServer(),
    offlineCommand(),
  ],
  middleware: [slowChunks, mockEndpoint],
  browsers: [chromeLauncher({ launchOptions: { args } })],
  testFramework: { config: { timeout: 10000 } },
};
