import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { validComment } from './support.js';

/** The real server as its own process (`npm run serve`'s entry), so that it can be killed mid-request. */
function startProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, MODERATION: 'off', RATE_LIMIT_COUNT: '100000', MIN_FILL_SECONDS: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const url = output.match(/(http:\/\/[\d.]+:\d+)\/api\/comments/)?.[1];
      if (url) resolve({ child, url });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
}

describe('when the server process is killed in the middle of requests', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'news-comments-crash-'));
  let running: ChildProcess | undefined;
  after(() => {
    running?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every comment it acknowledged, and no half-written row', async () => {
    const first = await startProcess(dataDir);
    running = first.child;
    const acknowledged: string[] = [];
    const posts = Array.from({ length: 300 }, (_, i) =>
      fetch(`${first.url}/api/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(validComment({ articleId: 'crash', comment: `Comment ${i}` })),
      })
        .then(async (response) => {
          if (response.status === 201) acknowledged.push((await response.json()).id);
        })
        .catch(() => undefined),
    );
    // Kill it hard once some answers are out and others are still in flight.
    while (acknowledged.length < 40) await new Promise((resolve) => setTimeout(resolve, 5));
    first.child.kill('SIGKILL');
    await Promise.all(posts);
    assert.ok(acknowledged.length < 300, 'some requests were cut off by the kill');

    const db = new Database(join(dataDir, 'comments.db'));
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const rows = db.prepare(`SELECT id, comment, name, email, status FROM comments`).all() as Array<Record<string, string>>;
    db.close();
    const stored = new Set(rows.map((row) => row.id));
    for (const id of acknowledged) assert.ok(stored.has(id), `acknowledged comment ${id} was lost`);
    for (const row of rows) assert.ok(row.comment.startsWith('Comment ') && row.name && row.email && row.status);

    const second = await startProcess(dataDir);
    running = second.child;
    const listed = await (await fetch(`${second.url}/api/comments?articleId=crash&limit=100`)).json();
    assert.ok(listed.comments.length > 0);
    second.child.kill('SIGKILL');
  });
});
