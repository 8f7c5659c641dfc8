/**
 * `npm start`: the reference server and the demo page together, stopped together (Ctrl-C).
 * Unless ADMIN_TOKEN is set, a fresh one is made for this run and printed, so the moderation view can be tried.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const env = { ...process.env, ADMIN_TOKEN: process.env.ADMIN_TOKEN || randomBytes(12).toString('hex') };
if (!process.env.ADMIN_TOKEN) console.log(`moderation password for this run (ADMIN_TOKEN): ${env.ADMIN_TOKEN}`);

const children = [
  spawn('npm', ['run', 'serve'], { stdio: 'inherit', env }),
  spawn('npx', ['vite', 'serve', '--strictPort'], { stdio: 'inherit', env }),
];
console.log('demo article: http://127.0.0.1:5173/demo/');

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
