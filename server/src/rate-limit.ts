/**
 * At most `count` events per client in any `windowSeconds`, remembered in memory (one server process), for at most
 * `maxClients` clients at once.
 *
 * Clients are kept in a list in order of their last `take` (a client moves to the end on each), so the clients quiet
 * the longest are at its head: every call forgets a few of those whose events have all left the window, and when the
 * table is full the quietest client is forgotten. Memory is bounded and no call sweeps the whole table. A client that
 * keeps trying while refused stays at the end, so a flood of other clients does not free it; a quiet client pushed
 * out by more than `maxClients` others within one window starts afresh, the price of staying up.
 *
 * The list is linked by hand: a Map re-inserted on every call would do, but V8 leaves a hole for each deleted entry
 * until it rehashes, and walking from the head over those holes made a million calls take 100 s.
 */
export interface RateLimiter {
  /** Records an event if the client may have one: returns 0, else the seconds until it may (and records nothing). */
  take(client: string): number;
  /** The seconds until the client may have an event, 0 if now; records nothing. */
  wait(client: string): number;
  /** How many clients are remembered. */
  readonly size: number;
}

export interface RateLimitOptions {
  count: number;
  windowSeconds: number;
  /** Most clients remembered at once: about 0.5 KB each with five events in the window (measured). */
  maxClients?: number;
  now?: () => number;
}

// Each call forgets up to this many expired clients: more than one, so the table shrinks while traffic goes on.
const EXPIRED_PER_CALL = 2;

interface Client {
  key: string;
  /** The times of its events in the window, oldest first. */
  times: number[];
  older?: Client;
  newer?: Client;
}

export function rateLimiter({ count, windowSeconds, maxClients = 100_000, now = Date.now }: RateLimitOptions): RateLimiter {
  const windowMs = windowSeconds * 1000;
  const clients = new Map<string, Client>();
  let quietest: Client | undefined;
  let latest: Client | undefined;

  const unlink = (client: Client) => {
    if (client.older) client.older.newer = client.newer;
    else quietest = client.newer;
    if (client.newer) client.newer.older = client.older;
    else latest = client.older;
    client.older = client.newer = undefined;
  };
  const forget = (client: Client) => {
    unlink(client);
    clients.delete(client.key);
  };

  /** The client's events still in the window (pruned in place), and the seconds to wait before another. */
  const wait = (client: Client | undefined, time: number) => {
    if (!client) return count > 0 ? 0 : windowSeconds;
    const { times } = client;
    while (times.length && times[0] <= time - windowMs) times.shift();
    return times.length >= count ? Math.max(1, Math.ceil(((times[0] ?? time) + windowMs - time) / 1000)) : 0;
  };

  return {
    take(key) {
      const time = now();
      for (let i = 0; i < EXPIRED_PER_CALL && quietest; i++) {
        const last = quietest.times[quietest.times.length - 1];
        if (last > time - windowMs) break;
        forget(quietest);
      }
      let client = clients.get(key);
      const seconds = wait(client, time);
      if (client) unlink(client);
      else clients.set(key, (client = { key, times: [] }));
      if (!seconds) client.times.push(time);
      client.older = latest;
      if (latest) latest.newer = client;
      else quietest = client;
      latest = client;
      if (clients.size > maxClients) forget(quietest!);
      return seconds;
    },
    wait: (key) => wait(clients.get(key), now()),
    get size() {
      return clients.size;
    },
  };
}
