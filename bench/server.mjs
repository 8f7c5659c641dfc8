/**
 * `npm run bench`, server part: how many requests a second one reference-server process answers, and how fast, on
 * loopback. The server runs in a child process of its own (as `npm run serve` runs it) on a fresh database in a
 * temporary folder; autocannon drives it from this process, each phase for BENCH_SERVER_SECONDS (5) seconds with
 * BENCH_CONNECTIONS (10) connections, so the whole run is bounded in time and in what it stores. Writes
 * bench/server-results.json and bench/server-results.md.
 *
 * Requests a second depend on what else the machine runs; the server's CPU time per request (from /proc, on Linux)
 * much less so, and is given beside them.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';

const SECONDS = Number(process.env.BENCH_SERVER_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SEEDED = 100;

const comment = (articleId, i) => ({
  articleId,
  articleUrl: `https://news.example/${articleId}`,
  title: 'NATO ready for meaningful dialogue with Russia: Stoltenberg',
  comment: `Comment number ${i}. A few sentences, as readers write them: well reported, and a question about the sources.`,
  name: 'Asha Rao',
  email: 'asha@example.com',
});

/** Starts the server as `npm run serve` does, and resolves with its address once it listens. */
function startServer(dataDir) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: 'server',
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      MODERATION: 'off',
      MIN_FILL_SECONDS: '0',
      // The rate limit would answer most of the load with 429; it is measured apart, in the tests.
      RATE_LIMIT_COUNT: '100000000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const url = /(http:\/\/127\.0\.0\.1:\d+)\/api\/comments/.exec(output)?.[1];
      if (url) resolve({ url, child });
    });
    child.once('exit', (code) => reject(new Error(`the server stopped (${code}) before listening:\n${output}`)));
  });
}

async function post(url, body) {
  const response = await fetch(`${url}/api/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`seeding answered ${response.status}: ${await response.text()}`);
}

/** The CPU time a process has used, in milliseconds, or undefined where /proc does not say. */
function cpuTime(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return undefined;
  }
}

/** One phase: requests a second (of the expected status only), p50 and p99 latency, and anything unexpected. */
async function measure(name, options, expected) {
  // A second first, unmeasured, so that the phase measures code the JIT has compiled.
  await autocannon({ connections: CONNECTIONS, duration: 1, ...options });
  const cpuBefore = cpuTime(child.pid);
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  const cpuAfter = cpuTime(child.pid);
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
  const good = statuses[expected] ?? 0;
  const row = {
    name,
    requestsPerSecond: Math.round(good / (result.duration || SECONDS)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMicroseconds: cpuBefore === undefined ? undefined : Math.round(((cpuAfter - cpuBefore) * 1000) / result.requests.total),
    statuses,
    errors: result.errors + result.timeouts,
  };
  console.log(`${name}: ${row.requestsPerSecond} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.cpuMicroseconds} µs CPU ${JSON.stringify(statuses)}`);
  return row;
}

const dataDir = mkdtempSync(join(tmpdir(), 'news-comments-bench-'));
const { url, child } = await startServer(dataDir);
const rows = [];
try {
  for (let i = 0; i < SEEDED; i++) await post(url, comment('bench-read', i));
  const listUrl = `${url}/api/comments?articleId=bench-read&limit=20`;
  const first = await fetch(listUrl);
  const etag = first.headers.get('etag');
  const ids = Array.from({ length: 20 }, (_, i) => `articleId=${i ? `listing-${i}` : 'bench-read'}`).join('&');
  const countsUrl = `${url}/api/comments/counts?${ids}`;
  const counts = await fetch(countsUrl);
  const countsEtag = counts.headers.get('etag');

  rows.push(await measure('GET the first page of 20 comments (made once per change, then from memory)', { url: listUrl }, 200));
  const { next } = await first.clone().json();
  if (next) {
    const laterUrl = `${listUrl}&before=${encodeURIComponent(next)}`;
    rows.push(await measure('GET a later page of 20 comments (read from the database each time)', { url: laterUrl }, 200));
  }
  if (etag) rows.push(await measure('GET a page of 20, If-None-Match (304)', { url: listUrl, headers: { 'If-None-Match': etag } }, 304));
  if (counts.ok) rows.push(await measure('GET counts of 20 articles', { url: countsUrl }, 200));
  if (countsEtag) {
    rows.push(await measure('GET counts of 20 articles, If-None-Match (304)', { url: countsUrl, headers: { 'If-None-Match': countsEtag } }, 304));
  }
  rows.push(
    await measure(
      'POST a comment (stored, synchronous=FULL)',
      {
        url: `${url}/api/comments`,
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(comment('bench-write', 0)),
      },
      201,
    ),
  );
  // The article the POSTs filled has thousands of comments: a page of it should cost what a page of a small one does.
  const filledUrl = `${url}/api/comments?articleId=bench-write&limit=20`;
  const { total } = await (await fetch(filledUrl)).json();
  rows.push(await measure(`GET a page of 20 comments, of an article with ${total.toLocaleString('en')}`, { url: filledUrl }, 200));
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
  rmSync(dataDir, { recursive: true, force: true });
}

const summary = {
  date: new Date().toISOString(),
  machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  seconds: SECONDS,
  connections: CONNECTIONS,
  rows,
};
const lines = [
  `# Server benchmark — ${summary.date}`,
  '',
  `Machine: ${summary.machine}. One server process on loopback, autocannon in another, ${CONNECTIONS} connections, ${SECONDS} s per row; ${SEEDED} comments on the read article.`,
  '',
  '| Request | requests/s | p50 ms | p99 ms | server CPU µs/request |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...rows.map((row) => `| ${row.name} | ${row.requestsPerSecond} | ${row.p50} | ${row.p99} | ${row.cpuMicroseconds ?? '–'} |`),
];
writeFileSync('bench/server-results.json', `${JSON.stringify(summary, null, 2)}\n`);
writeFileSync('bench/server-results.md', `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
