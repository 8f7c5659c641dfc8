/**
 * `npm run export -- FILE` and `npm run import -- FILE`: the publisher's data out of and into the database the
 * server is set up with (DATABASE_URL, else DATA_DIR), by the same settings as the server. FILE is taken from the
 * folder npm was started in.
 */
import { once } from 'node:events';
import { createWriteStream, readFileSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeStore, openStore } from './server.js';
import { settingsFromEnvironment } from './settings.js';
import { exportRecords, readTransferFile } from './transfer.js';

const [command, file] = process.argv.slice(2);

const LABELS: Record<string, string> = {
  comment: 'comments',
  report: 'reports',
  idempotencyKey: 'idempotency keys',
  sender: 'sender records',
  rejectionReason: 'rejection reasons',
  article: 'articles',
  moderator: 'moderators',
  block: 'blocks',
  word: 'words',
  audit: 'audit rows',
};

async function run(): Promise<string> {
  if ((command !== 'export' && command !== 'import') || !file) throw new Error('usage: npm run export -- FILE, or npm run import -- FILE');
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), file);
  const settings = settingsFromEnvironment();
  if (command === 'import') {
    // The whole file is read and checked before the database is opened: a bad file changes nothing.
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
    }
    const { format, records, skipped } = readTransferFile(content);
    const store = await openStore(settings);
    try {
      const { added, present } = await store.importRecords(records);
      const left = Object.entries(skipped).filter(([, count]) => count > 0);
      const leftOut = left.length ? `; left out: ${left.map(([reason, count]) => `${count} ${reason}`).join(', ')}` : '';
      const kind = format === 'disqus' ? 'Disqus export' : 'news-comments export';
      return `imported ${path} (${kind}) into ${describeStore(settings)}: ${added} added, ${present} already there${leftOut}`;
    } finally {
      await store.close();
    }
  }
  const store = await openStore(settings);
  // Written beside the file and renamed when complete: a failed export never leaves a file that looks whole.
  const partial = `${path}.partial`;
  const output = createWriteStream(partial);
  try {
    const counts = await exportRecords(store, async (line) => {
      if (!output.write(line)) await once(output, 'drain');
    });
    output.end();
    await once(output, 'finish');
    renameSync(partial, path);
    const what = Object.entries(LABELS).map(([kind, label]) => `${counts[kind] ?? 0} ${label}`);
    return `exported ${what.join(', ')} from ${describeStore(settings)} to ${path}`;
  } catch (error) {
    output.destroy();
    rmSync(partial, { force: true });
    throw error;
  } finally {
    await store.close();
  }
}

try {
  console.log(await run());
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`news-comments ${command ?? ''}: ${message}${command === 'import' ? '; nothing was imported' : ''}`);
  process.exitCode = 1;
}
