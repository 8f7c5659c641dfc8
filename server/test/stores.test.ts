/** The store conformance suite against each engine: SQLite in a temporary folder, PostgreSQL in a throwaway cluster. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POSTGRES_MIGRATIONS, postgresStore } from '../src/postgres-store.js';
import { SQLITE_MIGRATIONS, sqliteStore } from '../src/sqlite-store.js';
import { postgresMissing, startCluster, type Cluster } from './postgres.js';
import { storeConformance } from './store-conformance.js';

const folders: string[] = [];
storeConformance({
  name: 'SQLite',
  migrationNames: SQLITE_MIGRATIONS,
  setUp: async () => undefined,
  async tearDown() {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  },
  async freshDatabase() {
    const dataDir = mkdtempSync(join(tmpdir(), 'news-comments-store-'));
    folders.push(dataDir);
    const file = join(dataDir, 'comments.db');
    return {
      open: async ({ now } = {}) => sqliteStore(dataDir, { now }),
      async migrations() {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as Array<{ version: number; name: string }>;
        } finally {
          db.close();
        }
      },
      async addMigrationFromTheFuture() {
        const db = new Database(file);
        db.prepare(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', '2099-01-01')`).run();
        db.close();
      },
    };
  },
});

let cluster: Cluster;
storeConformance({
  name: 'PostgreSQL',
  missing: postgresMissing,
  migrationNames: POSTGRES_MIGRATIONS,
  setUp: async () => void (cluster = await startCluster()),
  tearDown: async () => cluster?.destroy(),
  async freshDatabase() {
    const database = await cluster.createDatabase();
    return {
      open: ({ now } = {}) => postgresStore({ url: cluster.url(database), now, poolSize: 4 }),
      migrations: () => cluster.sql<{ version: number; name: string }>(database, 'SELECT version, name FROM schema_migrations ORDER BY version'),
      async addMigrationFromTheFuture() {
        await cluster.sql(database, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', now())`);
      },
    };
  },
});
