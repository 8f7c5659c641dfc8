/**
 * The purge that keeps the promise of SENDER_RECORD_DAYS: while the server runs, it forgets sender records (IP
 * address, user agent) and reporters' addresses older than that, sessions that have ended, and alerts sent or
 * given up a week ago. It runs at start and then every `purgeIntervalSeconds` (an hour by default); each run is
 * one transaction, so a server stopped midway leaves nothing half-forgotten.
 */
import type { Settings } from './settings.js';
import type { CommentStore } from './store.js';

const DAY_MS = 86_400_000;
/** Sent alerts are kept a week, for a look at what went out. */
const ALERTS_KEPT_MS = 7 * DAY_MS;

export interface Purge {
  /** Runs a purge now; answers how many sender records it forgot. */
  run(): Promise<number>;
  stop(): Promise<void>;
}

export function startPurge(
  store: CommentStore,
  settings: Pick<Settings, 'senderRecordDays' | 'sessionHours' | 'sessionIdleMinutes' | 'purgeIntervalSeconds'>,
  now = Date.now,
): Purge {
  let running: Promise<number> | undefined;
  const run = () => {
    const time = now();
    const iso = (ms: number) => new Date(time - ms).toISOString();
    running ??= store
      .purge({
        sendersBefore: iso(settings.senderRecordDays * DAY_MS),
        sessionsStartedBefore: iso(settings.sessionHours * 3600_000),
        sessionsUsedBefore: iso(settings.sessionIdleMinutes * 60_000),
        alertsBefore: iso(ALERTS_KEPT_MS),
      })
      .then(({ senderRecords }) => senderRecords)
      .finally(() => (running = undefined));
    return running;
  };
  const runLogged = () =>
    void run().catch((error) => console.error('purge:', error instanceof Error ? error.message : error));
  const timer = setInterval(runLogged, settings.purgeIntervalSeconds * 1000);
  timer.unref();
  runLogged();
  return {
    run,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
