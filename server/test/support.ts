/** Starts a real server on a free port with a fresh database, for one test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/server.js';
import { settingsFromEnvironment, type Settings } from '../src/settings.js';
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

export const adminHeaders = { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` };

/** A store whose every call fails, as a full disk or a lost database would. */
export function brokenStore(message = 'disk on fire'): CommentStore {
  const broken = () => Promise.reject(new Error(message));
  return {
    create: broken,
    published: broken,
    counts: broken,
    revision: broken,
    report: broken,
    pending: broken,
    reported: broken,
    moderate: broken,
    close: async () => {},
  };
}

export const moderate = (server: TestServer, id: string, decision: string, headers: Record<string, string> = adminHeaders) =>
  fetch(`${server.url}/admin/comments/${id}/${decision}`, { method: 'POST', headers, redirect: 'manual' });

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
