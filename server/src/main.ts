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
console.log(`moderation desk: ${server.url}/admin/ (add an account: npm run moderator -- add NAME --role admin)`);
if (settings.adminToken) console.log('admin API: also open to automation with ADMIN_TOKEN as a bearer token');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.close().then(() => process.exit(0)));
}
