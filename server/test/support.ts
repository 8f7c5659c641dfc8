/**
 * Starts a real server on a free port with a fresh database, for one test file: SQLite, or with
 * `TEST_DATABASE=postgres` (`npm run test:postgres`) a new database on a throwaway PostgreSQL cluster.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashPassword } from '../src/auth.js';
import { openStore, startServer, type RunningServer } from '../src/server.js';
import { settingsFromEnvironment, type Settings } from '../src/settings.js';
import type { DeskComment } from '../src/desk-types.js';
import type { CommentStore } from '../src/store.js';
import { postgresMissing, startCluster, type Cluster } from './postgres.js';

export const ADMIN_TOKEN = 'test-admin-token';
export const DEMO_ORIGIN = 'http://127.0.0.1:5173';

export interface TestServer extends RunningServer {
  dataDir: string;
  settings: Settings;
  /** Stops the server and starts it again on the same database. */
  restart(): Promise<TestServer>;
  /** Stops the server and removes its database. */
  destroy(): Promise<void>;
}

// One cluster per test file (each runs in its own process), removed when the process ends.
let cluster: Promise<Cluster> | undefined;
const postgresDatabases = new Map<string, string>();
async function postgresDatabase(): Promise<string> {
  cluster ??= startCluster();
  const running = await cluster;
  return running.url(await running.createDatabase());
}

export async function testServer(overrides: Partial<Settings> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'news-comments-'));
  if (process.env.TEST_DATABASE === 'postgres' && postgresMissing) {
    // Outside CI (where it is an error) a machine without PostgreSQL runs these on SQLite, and says so.
    console.warn(`TEST_DATABASE=postgres: ${postgresMissing}; running on SQLite`);
  } else if (process.env.TEST_DATABASE === 'postgres' && !overrides.databaseUrl) {
    // A second server given the first one's folder shares its database, as on SQLite.
    const databaseUrl = (dataDir && postgresDatabases.get(dataDir)) || (await postgresDatabase());
    postgresDatabases.set(dir, databaseUrl);
    overrides = { ...overrides, databaseUrl };
  }
  const settings: Settings = {
    ...settingsFromEnvironment({}),
    port: 0,
    dataDir: dir,
    adminToken: ADMIN_TOKEN,
    minFillSeconds: 0,
    rateLimitCount: 10_000,
    ...overrides,
  };
  const running = await startServer(settings);
  return {
    ...running,
    dataDir: dir,
    settings,
    async restart() {
      await running.close();
      return testServer(overrides, dir);
    },
    async destroy() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const validComment = (overrides: Record<string, unknown> = {}) => ({
  articleId: 'nato-russia',
  articleUrl: 'https://news.example/nato',
  title: 'NATO ready for dialogue',
  comment: 'Well reported.',
  name: 'Asha Rao',
  email: 'asha@example.com',
  ...overrides,
});

export function post(server: TestServer, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function published(server: TestServer, articleId = 'nato-russia', query = '') {
  const response = await fetch(`${server.url}/api/comments?articleId=${encodeURIComponent(articleId)}${query}`);
  return (await response.json()) as { comments: Array<Record<string, string>>; next: string | null; total: number };
}

/** Automation's credentials for the admin API. */
export const adminHeaders = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/** A store whose every call fails, as a full disk or a lost database would (its rate limits let everything through). */
export function brokenStore(failure: string | Error = 'disk on fire'): CommentStore {
  const error = typeof failure === 'string' ? new Error(failure) : failure;
  const broken = () => Promise.reject(error);
  const kept: Partial<CommentStore> = {
    rateLimiter: () => ({ take: async () => 0, wait: async () => 0 }),
    exportRecords: async function* () {
      yield* [];
      throw error;
    },
    close: async () => {},
  };
  return new Proxy(kept as CommentStore, { get: (target, name) => (name in target ? target[name as keyof CommentStore] : broken) });
}

/** Calls the admin API with the admin token (or `headers`), a JSON body if given. */
export function adminApi(server: TestServer, method: string, path: string, body?: unknown, headers: Record<string, string> = adminHeaders) {
  return fetch(`${server.url}/admin/api/${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Approves or rejects one comment through the admin API. */
export const moderate = (server: TestServer, id: string, decision: 'approve' | 'reject', headers: Record<string, string> = adminHeaders) =>
  adminApi(server, 'POST', `comments/${decision}`, { ids: [id] }, headers);

/** A desk queue's first page, as the admin API answers it. */
export async function queue(server: TestServer, name: string, query = '') {
  const response = await adminApi(server, 'GET', `comments?queue=${name}${query.includes('limit=') ? '' : '&limit=100'}${query}`);
  if (response.status !== 200) throw new Error(`the queue answered ${response.status}`);
  return (await response.json()) as { comments: Array<DeskComment>; next: string | null };
}

export function report(server: TestServer, id: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/comments/${encodeURIComponent(id)}/reports`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Posts a comment and answers its id. */
export async function posted(server: TestServer, overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await post(server, validComment(overrides));
  if (response.status !== 201) throw new Error(`posting answered ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}

/** Adds a desk account straight in the server's database, as `npm run moderator -- add` does. */
export async function addModerator(server: TestServer, name: string, password: string, role: 'moderator' | 'admin' = 'moderator') {
  const store = await openStore(server.settings);
  try {
    await store.addModerator(name, role, await hashPassword(password));
  } finally {
    await store.close();
  }
}

/** What a browser on the desk's own page sends with every request. */
export const sameOrigin = (server: TestServer) => ({ Origin: server.url, 'Sec-Fetch-Site': 'same-origin' });

/** Signs in with the form, as a browser on the desk does; answers the session cookie (`name=value`). */
export async function signIn(server: TestServer, name: string, password: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/admin/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...sameOrigin(server), ...headers },
    body: new URLSearchParams({ name, password }),
    redirect: 'manual',
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  return { response, cookie };
}

/** A signed-in moderator's call to the admin API, from the desk's page. */
export function deskApi(server: TestServer, cookie: string, method: string, path: string, body?: unknown) {
  return adminApi(server, method, path, body, { Cookie: cookie, ...sameOrigin(server) });
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** What it wrote to stderr, for a failing test's message. */
  errors(): string;
  /** SIGTERM (a clean stop), SIGKILL if it is still there after 5 s. */
  stop(): Promise<void>;
}

/** The real server as its own process (`npm run serve`'s entry) on a free port of 127.0.0.1. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../src/main.ts', import.meta.url))], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', MODERATION: 'off', RATE_LIMIT_COUNT: '100000', MIN_FILL_SECONDS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr!.on('data', (chunk) => (errors = (errors + chunk).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not listen within 20 s: ${errors}`));
    }, 20_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const url = output.match(/(http:\/\/[\d.]+:\d+)\/api\/comments/)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, pid: child.pid!, errors: () => errors, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening: ${errors}`));
    });
  });
}
