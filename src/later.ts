/**
 * Loads `deferred.ts` once for every element on the page. Until it has arrived, `deferredNow()` is undefined; a
 * failed load (a flaky connection) is forgotten, so the next call tries again.
 */
export type Deferred = typeof import('./deferred.js');

let loaded: Deferred | undefined;
let loading: Promise<Deferred> | undefined;

export const deferredNow = (): Deferred | undefined => loaded;

export function loadDeferred(): Promise<Deferred> {
  loading ??= import('./deferred.js').then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
