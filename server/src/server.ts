/** Starts the reference server on Node: the app, its store (PostgreSQL or SQLite), and a clean stop. */
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createApp } from './app.js';
import { clientAddress } from './client-address.js';
import { startOutbox } from './outbox.js';
import { startPurge } from './purge.js';
import { postgresStore } from './postgres-store.js';
import type { Settings } from './settings.js';
import { sqliteStore } from './sqlite-store.js';
import type { CommentStore } from './store.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** PostgreSQL when `DATABASE_URL` names it, else SQLite in `DATA_DIR`; migrated to the current schema. */
export async function openStore(settings: Settings): Promise<CommentStore> {
  if (!settings.databaseUrl) return sqliteStore(settings.dataDir);
  return postgresStore({
    url: settings.databaseUrl,
    poolSize: settings.databasePoolSize,
    statementTimeoutMs: settings.databaseStatementTimeoutMs,
    ssl: settings.databaseSsl,
  });
}

/** Where the data is, for people: the SQLite file, or the PostgreSQL server and database without the password. */
export function describeStore(settings: Settings): string {
  if (!settings.databaseUrl) return resolve(settings.dataDir, 'comments.db');
  const url = new URL(settings.databaseUrl);
  return `PostgreSQL ${url.hostname || 'localhost'}:${url.port || 5432}${url.pathname}`;
}

export async function startServer(settings: Settings): Promise<RunningServer> {
  const store = await openStore(settings);
  const outbox =
    settings.webhookUrl && settings.webhookSecret
      ? startOutbox(store, { url: settings.webhookUrl, secret: settings.webhookSecret, retryMs: settings.webhookRetrySeconds * 1000 })
      : undefined;
  const purge = startPurge(store, settings);
  const app = createApp(
    settings,
    store,
    (c) => clientAddress(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), settings.trustProxy),
    { alertQueued: outbox?.wake },
  );
  const stop = () => Promise.all([outbox?.stop(), purge.stop()]).then(() => store.close());
  return new Promise((resolve, reject) => {
    const headersTimeout = settings.headersTimeoutSeconds * 1000;
    const options = {
      fetch: app.fetch,
      port: settings.port,
      hostname: settings.host,
      // Node's defaults (60 s for headers, 300 s for a request, checked every 30 s) let a client that drips its
      // body hold a connection for five minutes. The check runs every second, or sooner for shorter timeouts.
      serverOptions: {
        headersTimeout,
        requestTimeout: settings.requestTimeoutSeconds * 1000,
        connectionsCheckingInterval: Math.min(1000, headersTimeout / 2),
      },
    };
    const server = serve(options, (info: AddressInfo) => {
      resolve({
        url: `http://${settings.host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => void stop().then(done));
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    // Such as the port being taken: the caller says so and stops, instead of an unhandled 'error' event.
    server.once('error', (error) => void stop().then(() => reject(error)));
  });
}
