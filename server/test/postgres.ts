/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: the real server from the installed `postgresql`
 * package, made by `initdb` in a temporary folder, started by `pg_ctl` on a free port of 127.0.0.1 with its
 * sockets in that folder, stopped and removed afterwards. Root may not run PostgreSQL, so as root the cluster
 * belongs to the `postgres` user the package creates.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The folder of `initdb` and `pg_ctl`: PG_BIN, else what `pg_config` names, else the newest Debian install. */
function findBinaries(): string | undefined {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config on the PATH
  }
  // Debian keeps each major version in its own folder, off the PATH.
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((name) => /^\d+(\.\d+)?$/.test(name));
    for (const version of versions.sort((a, b) => Number(b) - Number(a))) candidates.push(join(debian, version, 'bin'));
  }
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

const binaries = findBinaries();

/**
 * Why the PostgreSQL tests cannot run here, or undefined when they can. In CI a missing server is a failure, never
 * a skip: `.ci/run` installs it.
 */
export const postgresMissing: string | undefined = (() => {
  const reason = binaries
    ? undefined
    : 'PostgreSQL is not installed (apt-get install postgresql, or set PG_BIN to the folder of initdb and pg_ctl)';
  if (reason && process.env.CI) throw new Error(`${reason}: the PostgreSQL tests must run in CI`);
  return reason;
})();

const asRoot = process.getuid?.() === 0;

/** A PostgreSQL program and its arguments, run as the user who may: `postgres` when we are root, else ourselves. */
function asOwner(program: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', join(binaries!, program), ...args]] : [join(binaries!, program), args];
}

/** Runs it without blocking: the servers under test keep being answered meanwhile. */
function runAsOwner(program: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(...asOwner(program, args), { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ')} failed (${error.code ?? error.signal}): ${stderr || stdout}`));
      else resolve();
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Cluster {
  port: number;
  /** The URL of a database of this cluster (the superuser's, without a password: the cluster trusts loopback). */
  url(database?: string): string;
  /** A new empty database, for one test or suite. */
  createDatabase(): Promise<string>;
  /** Runs SQL as the superuser on a database. */
  sql<R extends pg.QueryResultRow = pg.QueryResultRow>(database: string, text: string, values?: unknown[]): Promise<R[]>;
  /** Stops the server quickly (`pg_ctl stop -m fast`): open connections are cut, committed work is kept. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and removes the cluster. */
  destroy(): Promise<void>;
}

let clusters = 0;

export async function startCluster(): Promise<Cluster> {
  if (postgresMissing) throw new Error(postgresMissing);
  const dir = mkdtempSync(join(tmpdir(), 'news-comments-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const ids = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, ids('-u'), ids('-g'));
  }
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
  let running = false;
  const start = async () => {
    await runAsOwner('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    running = false;
    await runAsOwner('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
  };
  // Also when a test dies: no server is left running. Synchronous, as 'exit' handlers must be.
  const onExit = () => {
    try {
      if (running) spawnSync(...asOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']), { timeout: 30_000 });
      running = false;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await runAsOwner('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    await start();
  } catch (error) {
    const log = join(dir, 'server.log');
    const detail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${detail}`);
  }
  process.once('exit', onExit);
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const sql = async <R extends pg.QueryResultRow>(database: string, text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    sql,
    async createDatabase() {
      const name = `test_${process.pid}_${++clusters}_${Math.random().toString(36).slice(2, 8)}`;
      await sql('postgres', `CREATE DATABASE ${name}`);
      return name;
    },
    stop,
    start,
    async destroy() {
      process.removeListener('exit', onExit);
      try {
        await stop();
      } finally {
        onExit();
      }
    },
  };
}

