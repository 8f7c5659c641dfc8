/** `npm run serve`: the reference comments server, configured by environment variables (see README). */
import { resolve } from 'node:path';
import { startServer } from './server.js';
import { settingsFromEnvironment } from './settings.js';

const settings = settingsFromEnvironment();
const server = await startServer(settings);
console.log(`news-comments server: ${server.url}/api/comments (data in ${resolve(settings.dataDir, 'comments.db')})`);
console.log(
  settings.adminToken
    ? `moderation: ${server.url}/admin/ (any user name, ADMIN_TOKEN as password)`
    : 'moderation: closed (set ADMIN_TOKEN to open it)',
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void server.close().then(() => process.exit(0)));
}
