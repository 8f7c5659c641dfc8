/**
 * `npm start` (after the build): the reference server and the demo pages together, stopped together (Ctrl-C).
 * The moderation desk needs an account: `demo-editor` (an admin) is made, or given a new password, for each run, and
 * its password printed (DESK_PASSWORD sets it). Unless ADMIN_TOKEN is set, a fresh one is made for the admin API.
 * PORT moves the reference server and DEMO_PORT the demo pages, for when 8787 or 5173 is taken; the demo pages then
 * post to that server, and the server allows the demo's origin.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const serverPort = process.env.PORT || '8787';
const demoPort = process.env.DEMO_PORT || '5173';
const env = {
  ...process.env,
  PORT: serverPort,
  ADMIN_TOKEN: process.env.ADMIN_TOKEN || randomBytes(12).toString('hex'),
  ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS ?? `http://127.0.0.1:${demoPort},http://localhost:${demoPort}`,
  // Read by vite.config.ts, which points the demo pages' endpoint at this server.
  DEMO_SERVER: `http://127.0.0.1:${serverPort}`,
};
if (!process.env.ADMIN_TOKEN) console.log(`admin API token for this run (ADMIN_TOKEN): ${env.ADMIN_TOKEN}`);

const deskPassword = process.env.DESK_PASSWORD || randomBytes(12).toString('base64url');
const account = (command) =>
  spawnSync('npm', ['run', '-s', 'moderator', '--', command, 'demo-editor', ...(command === 'add' ? ['--role', 'admin'] : [])], {
    input: `${deskPassword}\n`,
    env,
    encoding: 'utf8',
  });
const made = account('add');
const ready = made.status === 0 || account('password').status === 0;
if (ready) console.log(`moderation desk: http://127.0.0.1:${serverPort}/admin/ (sign in as demo-editor, password ${deskPassword})`);
else console.error(`the demo's desk account was not made: ${made.stderr.trim()}`);

const children = [
  spawn('npm', ['run', 'serve'], { stdio: 'inherit', env }),
  spawn('npx', ['vite', 'serve', '--strictPort', '--port', demoPort], { stdio: 'inherit', env }),
];
console.log(`demo article: http://127.0.0.1:${demoPort}/demo/`);

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());
