/**
 * `npm run bench:stores`: posts and reads a second, with p50/p99 latency, against real server processes on
 * loopback: SQLite (one process), PostgreSQL with one process and with two. Every acknowledged post is looked up in
 * the database afterwards: the count of lost ones must be 0. PostgreSQL is a throwaway cluster with its default
 * durability (fsync, synchronous commit), as the tests start it. Writes bench/stores.json and prints a table.
 *
 * BENCH_POSTS, BENCH_READS (4000 each) and BENCH_CONCURRENCY (32) change the load; each phase stops after 120 s.
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startCluster } from '../server/test/postgres.ts';
import { startServerProcess } from '../server/test/support.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 4000);
const READS = Number(process.env.BENCH_READS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const WARM_UP = 200;
const PHASE_LIMIT_MS = 120_000;
const ARTICLES = 100;

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** One HTTP request over a kept-alive connection: its status, body and milliseconds. */
function send(url, method, body, headers = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(url, { method, agent, headers: { 'Content-Type': 'application/json', ...headers }, timeout: 30_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, text, ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, text: '', ms: performance.now() - started }));
    req.end(body);
  });
}

/** Runs `count` requests, CONCURRENCY at a time, spread over the servers in turn; at most PHASE_LIMIT_MS. */
async function phase(count, makeRequest) {
  const results = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + PHASE_LIMIT_MS;
  const worker = async () => {
    while (next < count && performance.now() < deadline) {
      const n = next++;
      results.push({ n, ...(await makeRequest(n)) });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { results, seconds: (performance.now() - started) / 1000 };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

function summary({ results, seconds }, ok) {
  const good = results.filter((result) => result.status === ok);
  const ms = good.map((result) => result.ms);
  return {
    requests: results.length,
    ok: good.length,
    failed: results.length - good.length,
    perSecond: Math.round(good.length / seconds),
    p50: Number(percentile(ms, 50).toFixed(1)),
    p99: Number(percentile(ms, 99).toFixed(1)),
  };
}

const comment = (n) =>
  JSON.stringify({
    articleId: `bench-${n % ARTICLES}`,
    articleUrl: 'https://news.example/bench',
    title: 'NATO ready for dialogue',
    comment: `Comment ${n}: well reported, and a few more words so that it is the size of a real one.`,
    name: 'Asha Rao',
    email: 'asha@example.com',
  });

async function measure(label, servers, storedIds) {
  const post = (n) => send(`${servers[n % servers.length].url}/api/comments`, 'POST', comment(n), { 'Idempotency-Key': `bench-${label}-${n}` });
  await phase(WARM_UP, (n) => post(POSTS + n));
  const posts = await phase(POSTS, post);
  const acknowledged = posts.results.filter((result) => result.status === 201).map((result) => JSON.parse(result.text).id);
  const reads = await phase(READS, (n) =>
    send(`${servers[n % servers.length].url}/api/comments?articleId=bench-${n % ARTICLES}&limit=20`, 'GET'),
  );
  const stored = new Set(await storedIds());
  return {
    setup: label,
    posts: summary(posts, 201),
    reads: summary(reads, 200),
    lost: acknowledged.filter((id) => !stored.has(id)).length,
  };
}

const base = { MODERATION: 'off', RATE_LIMIT_COUNT: '1000000', MIN_FILL_SECONDS: '0' };
const runs = [];

// SQLite, one process.
{
  const dataDir = mkdtempSync(join(tmpdir(), 'news-comments-bench-'));
  const server = await startServerProcess({ ...base, DATABASE_URL: '', DATA_DIR: dataDir });
  try {
    runs.push(
      await measure('SQLite, 1 process', [server], async () => {
        const db = new Database(join(dataDir, 'comments.db'), { readonly: true });
        try {
          return db.prepare('SELECT id FROM comments').pluck().all();
        } finally {
          db.close();
        }
      }),
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// PostgreSQL, one and two processes, each on a database of its own in one cluster.
const cluster = await startCluster();
let postgresVersion;
try {
  postgresVersion = (await cluster.sql('postgres', 'SHOW server_version'))[0].server_version;
  for (const processes of [1, 2]) {
    const database = await cluster.createDatabase();
    const servers = await Promise.all(
      Array.from({ length: processes }, () => startServerProcess({ ...base, DATABASE_URL: cluster.url(database) })),
    );
    try {
      const ids = async () => (await cluster.sql(database, 'SELECT id FROM comments')).map((row) => row.id);
      runs.push(await measure(`PostgreSQL, ${processes} process${processes > 1 ? 'es' : ''}`, servers, ids));
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  }
} finally {
  await cluster.destroy();
  agent.destroy();
}

const machine = `${cpus()[0].model.trim()}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL ${postgresVersion}, SQLite ${new Database(':memory:').prepare('SELECT sqlite_version()').pluck().get()}`;
const table = [
  `Machine: ${machine}. ${POSTS} posts and ${READS} reads (newest 20 of one of ${ARTICLES} articles) per setup, ${CONCURRENCY} at a time, after ${WARM_UP} posts to warm up; the load tool, the servers and PostgreSQL share the cores.`,
  '',
  '| Setup | posts/s | post p50 | post p99 | reads/s | read p50 | read p99 | failed | acknowledged posts lost |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...runs.map(
    ({ setup, posts, reads, lost }) =>
      `| ${setup} | ${posts.perSecond} | ${posts.p50} ms | ${posts.p99} ms | ${reads.perSecond} | ${reads.p50} ms | ${reads.p99} ms | ${posts.failed + reads.failed} | ${lost} |`,
  ),
].join('\n');
console.log(table);

const [sqlite, postgresOne] = runs;
const targets = [
  ['no acknowledged post lost', runs.every((run) => run.lost === 0)],
  ['one PostgreSQL process ≥ half of SQLite’s posts/s', postgresOne.posts.perSecond >= sqlite.posts.perSecond / 2],
];
for (const [target, met] of targets) console.log(`${met ? 'met' : 'MISSED'}: ${target}`);
writeFileSync('bench/stores.json', `${JSON.stringify({ date: new Date().toISOString(), machine, concurrency: CONCURRENCY, runs, targets: Object.fromEntries(targets) }, null, 2)}\n`);
if (!targets.every(([, met]) => met)) process.exitCode = 1;
// git's view of the tree, so a result can be traced to its code.
try {
  console.log(`commit ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`);
} catch {
  // not a git checkout
}
