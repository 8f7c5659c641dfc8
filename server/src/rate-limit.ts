/** At most `count` requests per client in any `windowSeconds`, remembered in memory (one server process). */
export function rateLimiter(count: number, windowSeconds: number, now: () => number = Date.now) {
  const windowMs = windowSeconds * 1000;
  const recent = new Map<string, number[]>();
  let lastSweep = now();

  return {
    /** Records a request; returns 0 if it may go ahead, else the seconds until the client may send again. */
    take(client: string): number {
      const time = now();
      if (time - lastSweep > windowMs) {
        // Forget clients that have been quiet for a whole window, so the map cannot grow without bound.
        for (const [key, times] of recent) if (times[times.length - 1] <= time - windowMs) recent.delete(key);
        lastSweep = time;
      }
      const times = (recent.get(client) ?? []).filter((at) => at > time - windowMs);
      if (times.length >= count) {
        recent.set(client, times);
        return Math.max(1, Math.ceil((times[0] + windowMs - time) / 1000));
      }
      times.push(time);
      recent.set(client, times);
      return 0;
    },
  };
}
