/** `npm run serve`: the reference comments server, configured by environment variables (see README). */
import { describeStore, startServer, type RunningServer } from './server.js';
import { settingsFromEnvironment, type Settings } from './settings.js';

let settings: Settings;
let server: RunningServer;
try {
  settings = settingsFromEnvironment();
  server = await startServer(settings);
} catch (error) {
  // A setting or the database is wrong: say which, in one line, without a stack trace.
  console.error(`news-comments server did not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
console.log(`news-comments server: ${server.url}/api/comments (data in ${describeStore(settings)})`);
console.log(
  settings.adminToken
    ? `moderation: ${server.url}/admin/ (any user name, ADMIN_TOKEN as password)`
    : 'moderation: closed (set ADMIN_TOKEN to open it)',
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.close().then(() => process.exit(0)));
}
