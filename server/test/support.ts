/** Starts a real server on a free port with a fresh database, for one test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../src/auth.js';
import { startServer, type RunningServer } from '../src/server.js';
import { settingsFromEnvironment, type Settings } from '../src/settings.js';
import type { DeskComment } from '../src/desk-types.js';
import { sqliteStore } from '../src/sqlite-store.js';
import type { CommentStore } from '../src/store.js';

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

export async function testServer(overrides: Partial<Settings> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'news-comments-'));
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

/** A store whose every call fails, as a full disk or a lost database would. */
export function brokenStore(message = 'disk on fire'): CommentStore {
  const broken = () => Promise.reject(new Error(message));
  return new Proxy({} as CommentStore, { get: (_, name) => (name === 'close' ? async () => {} : broken) });
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
  const store = sqliteStore(server.dataDir);
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
