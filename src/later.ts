/**
 * Loads the chunks that are not on the critical path, once for every element on the page: `deferred.ts` (checks,
 * sending) right after the form first shows, `list.ts` (the published comments) when the list comes near the
 * viewport. Until a chunk has arrived, its `…Now()` is undefined; a failed load (a flaky connection) is forgotten,
 * so the next call tries again.
 */
export type Deferred = typeof import('./deferred.js');
export type List = typeof import('./list.js');

function chunk<T>(load: () => Promise<T>) {
  let loaded: T | undefined;
  let loading: Promise<T> | undefined;
  return {
    now: (): T | undefined => loaded,
    load(): Promise<T> {
      loading ??= load().then(
        (module) => (loaded = module),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
  };
}

const deferred = chunk(() => import('./deferred.js'));
const list = chunk(() => import('./list.js'));

export const deferredNow = deferred.now;
export const loadDeferred = deferred.load;
export const listNow = list.now;
export const loadList = list.load;
