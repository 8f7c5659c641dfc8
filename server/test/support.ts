/** Starts a real server on a free port with a fresh database, for one test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../src/server.js';
import { settingsFromEnvironment, type Settings } from '../src/settings.js';

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
  return (await response.json()) as { comments: Array<Record<string, string>>; next: string | null };
}

export const adminHeaders = { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` };
