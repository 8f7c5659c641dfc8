import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testServer, type TestServer } from './support.js';

/**
 * Opens a raw connection, writes `start`, then one more byte of `drip` every 100 ms until the server closes the
 * connection; answers what the server sent and how many bytes of `drip` went out.
 */
function drip(server: TestServer, start: string, drip: string): Promise<{ answer: string; dripped: number }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let dripped = 0;
    const timer = setInterval(() => {
      if (dripped < drip.length) socket.write(drip[dripped++]);
    }, 100);
    socket.on('connect', () => start && socket.write(start));
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(limit);
      resolve({ answer, dripped });
    });
    const limit = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the connection was still open after 8 s (${dripped} bytes dripped)`));
    }, 8_000);
  });
}

describe('when a client sends slowly to hold a connection', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ headersTimeoutSeconds: 1, requestTimeoutSeconds: 2 })));
  after(() => server.destroy());

  it('cuts off a body that drips in, with 408', { timeout: 15_000 }, async () => {
    const head = 'POST /api/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const { answer, dripped } = await drip(server, head, `{"comment":"${'x'.repeat(1000)}`);
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(dripped < 1000, `${dripped} bytes dripped`);
  });

  it('cuts off headers that drip in, with 408', { timeout: 15_000 }, async () => {
    const { answer, dripped } = await drip(server, 'GET /api/comments?articleId=x HTTP/1.1\r\n', 'X-Slow: 1\r\n'.repeat(200));
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(dripped < 2400);
  });

  it('closes a connection that never sends a request', { timeout: 15_000 }, async () => {
    const { dripped } = await drip(server, '', '');
    assert.equal(dripped, 0);
  });
});
