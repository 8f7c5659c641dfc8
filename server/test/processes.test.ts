/**
 * Several server processes on one PostgreSQL database acting as one service, and what happens to them when the
 * database restarts or cuts their connections. Real processes on free loopback ports, a throwaway cluster; every
 * loop is bounded in count and time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { POSTGRES_MIGRATIONS } from '../src/postgres-store.js';
import { postgresMissing, startCluster, type Cluster } from './postgres.js';
import { startServerProcess, validComment, type ServerProcess } from './support.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function post(server: ServerProcess, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
}

/** Waits until `done()`, checking every 20 ms, for at most `ms`; says what it waited for if it never came. */
async function until(done: () => boolean, ms: number, what: string) {
  for (const end = Date.now() + ms; !done(); await pause(20)) {
    if (Date.now() > end) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
  }
}

interface Answer {
  key: string;
  status: number;
  id?: string;
  error?: string;
  retryAfter: string | null;
}

/**
 * Posts comments with keys `${articleId}-${n}`, alternating between the servers, `workers` at a time, until `stop()`
 * or `max` posts; keeps every answer.
 */
function burst(servers: ServerProcess[], articleId: string, { workers = 8, max = 3000 } = {}) {
  const answers: Answer[] = [];
  let next = 0;
  let stopped = false;
  const work = async () => {
    while (!stopped && next < max) {
      const n = next++;
      const key = `${articleId}-${n}`;
      try {
        const response = await post(servers[n % servers.length], validComment({ articleId, comment: `Comment ${n}` }), { 'Idempotency-Key': key });
        const body = await response.json();
        answers.push({ key, status: response.status, id: body.id, error: body.error, retryAfter: response.headers.get('retry-after') });
      } catch (error) {
        answers.push({ key, status: 0, error: String(error), retryAfter: null });
      }
      await pause(5);
    }
  };
  const running = Promise.all(Array.from({ length: workers }, work));
  return {
    answers,
    acknowledged: () => answers.filter((answer) => answer.status === 201).length,
    unavailable: () => answers.filter((answer) => answer.status === 503).length,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

/** Sends every key that got no 201 again, as the element would, until each has one; at most 20 tries each. */
async function retryUnacknowledged(servers: ServerProcess[], articleId: string, answers: Answer[]) {
  const acknowledged = new Map(answers.filter((a) => a.status === 201).map((a) => [a.key, a.id!]));
  const keys = [...new Set(answers.map((a) => a.key))].filter((key) => !acknowledged.has(key));
  for (const key of keys) {
    const n = Number(key.slice(articleId.length + 1));
    for (let attempt = 0; attempt < 20 && !acknowledged.has(key); attempt++) {
      const response = await post(servers[attempt % servers.length], validComment({ articleId, comment: `Comment ${n}` }), { 'Idempotency-Key': key });
      if (response.status === 201) acknowledged.set(key, (await response.json()).id);
      else await pause(100);
    }
    assert.ok(acknowledged.has(key), `${key} was never acknowledged`);
  }
  return acknowledged;
}

describe('several server processes on one PostgreSQL database', { skip: postgresMissing }, () => {
  let cluster: Cluster;
  let database: string;
  let servers: ServerProcess[] = [];
  const started: ServerProcess[] = [];
  const start = async (count: number, env: Record<string, string> = {}) => {
    const processes = await Promise.all(Array.from({ length: count }, () => startServerProcess({ DATABASE_URL: cluster.url(database), ...env })));
    started.push(...processes);
    return processes;
  };
  const stored = async (articleId: string) =>
    (await cluster.sql<{ id: string; comment: string }>(database, 'SELECT id, comment FROM comments WHERE article_id = $1', [articleId]));

  before(async () => {
    cluster = await startCluster();
    database = await cluster.createDatabase();
    // Started together on a new database: one of them migrates, the other waits for it.
    servers = await start(2);
  });
  after(async () => {
    await Promise.all(started.map((server) => server.stop()));
    await cluster?.destroy();
  });

  it('migrated the new database once, though both started at the same moment', async () => {
    const rows = await cluster.sql(database, 'SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows.map((row) => row.version), POSTGRES_MIGRATIONS.map((_, i) => i + 1));
  });

  it('stores 400 concurrent posts spread over both processes, each exactly once', { timeout: 60_000 }, async () => {
    const responses = await Promise.all(
      Array.from({ length: 400 }, (_, i) => post(servers[i % 2], validComment({ articleId: 'spread', comment: `Comment ${i}` }))),
    );
    assert.deepEqual(new Set(responses.map((response) => response.status)), new Set([201]));
    const ids = (await Promise.all(responses.map((response) => response.json()))).map((body) => body.id);
    assert.equal(new Set(ids).size, 400);
    const rows = await stored('spread');
    assert.equal(rows.length, 400);
    assert.deepEqual(new Set(rows.map((row) => row.id)), new Set(ids));
    // Either process lists what the other stored.
    const listed = async (server: ServerProcess) => (await (await fetch(`${server.url}/api/comments?articleId=spread&limit=100`)).json()).comments;
    assert.deepEqual(await listed(servers[0]), await listed(servers[1]));
  });

  it('stores a comment sent once to each process with the same Idempotency-Key once, and both answer its id', { timeout: 60_000 }, async () => {
    const pairs = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const body = validComment({ articleId: 'twice', comment: `Comment ${i}` });
        const headers = { 'Idempotency-Key': `twice-${i}` };
        return Promise.all(servers.map((server) => post(server, body, headers)));
      }),
    );
    for (const pair of pairs) {
      assert.deepEqual(pair.map((response) => response.status), [201, 201]);
      const [first, second] = await Promise.all(pair.map((response) => response.json()));
      assert.equal(first.id, second.id);
      assert.equal(pair.filter((response) => response.headers.get('idempotent-replayed') === 'true').length, 1);
    }
    const rows = await stored('twice');
    assert.equal(rows.length, 100);
    assert.equal(new Set(rows.map((row) => row.comment)).size, 100);
  });

  it('holds the rate limit across processes: over it on one is over it on the other', { timeout: 60_000 }, async () => {
    const limited = await start(2, { RATE_LIMIT_COUNT: '3', RATE_LIMIT_WINDOW_SECONDS: '60', TRUST_PROXY: '1' });
    const from = (address: string) => ({ 'X-Forwarded-For': address });
    const statuses = [];
    for (const server of [limited[0], limited[1], limited[0], limited[1], limited[0]]) {
      const response = await post(server, validComment({ articleId: 'limited' }), from('198.51.100.23'));
      statuses.push(response.status);
      if (response.status === 429) assert.ok(Number(response.headers.get('retry-after')) > 0);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
    assert.equal((await post(limited[1], validComment({ articleId: 'limited' }), from('198.51.100.24'))).status, 201);
    assert.equal((await stored('limited')).length, 4);
  });

  it('keeps every acknowledged comment when the database restarts mid-burst, answers 503 meanwhile, and recovers', { timeout: 90_000 }, async () => {
    const load = burst(servers, 'restarted');
    try {
      await until(() => load.acknowledged() >= 50, 20_000, '50 acknowledged posts');
      await cluster.stop();
      const before = load.unavailable();
      await until(() => load.unavailable() >= before + 10, 20_000, '503s while the database is down');
      // A request of its own during the outage, to each process, for the body and header.
      for (const server of servers) {
        const response = await post(server, validComment({ articleId: 'outage' }));
        assert.equal(response.status, 503);
        assert.ok(Number(response.headers.get('retry-after')) > 0);
        assert.equal((await response.json()).error, 'unavailable');
      }
      await cluster.start();
      const after = load.acknowledged();
      // The same processes, never restarted, take posts again.
      await until(() => load.acknowledged() >= after + 50, 30_000, '50 acknowledged posts after the restart');
    } finally {
      await load.stop();
    }
    await checkBurst(load.answers, 'restarted');
  });

  it('keeps every acknowledged comment when its connections are killed mid-burst, and recovers', { timeout: 90_000 }, async () => {
    const load = burst(servers, 'terminated');
    let killed = 0;
    try {
      await until(() => load.acknowledged() >= 30, 20_000, '30 acknowledged posts');
      for (let round = 0; round < 3; round++) {
        const rows = await cluster.sql(
          'postgres',
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database],
        );
        killed += rows.length;
        await pause(100);
      }
      const after = load.acknowledged();
      await until(() => load.acknowledged() >= after + 50, 30_000, '50 acknowledged posts after the kills');
    } finally {
      await load.stop();
    }
    assert.ok(killed > 0, 'connections were killed');
    await checkBurst(load.answers, 'terminated');
  });

  /** Every answer a 201 or a 503 with Retry-After; every acknowledged comment stored; after retries, each once. */
  async function checkBurst(answers: Answer[], articleId: string) {
    for (const answer of answers) {
      assert.ok(answer.status === 201 || answer.status === 503, `${answer.key}: ${answer.status} ${answer.error ?? ''}`);
      if (answer.status === 503) {
        assert.equal(answer.error, 'unavailable');
        assert.ok(Number(answer.retryAfter) > 0);
      }
    }
    const acknowledgedFirst = answers.filter((answer) => answer.status === 201);
    const rowsBefore = new Set((await stored(articleId)).map((row) => row.id));
    for (const answer of acknowledgedFirst) assert.ok(rowsBefore.has(answer.id!), `acknowledged ${answer.key} was lost`);

    const acknowledged = await retryUnacknowledged(servers, articleId, answers);
    const rows = await stored(articleId);
    assert.equal(rows.length, new Set(answers.map((answer) => answer.key)).size, 'each key stored exactly once');
    assert.deepEqual(new Set(rows.map((row) => row.id)), new Set(acknowledged.values()));
  }
});
