import type { RateCounter } from '../store/store.js';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * @fastify/rate-limit's store over the database's shared counter (PostgreSQL): every server on one
 * database counts a token's (or an address's) requests together (R43). The plugin constructs it
 * and asks it for a child per route; all of them share the one counter.
 */
export function sharedRateStore(counter: RateCounter) {
  return class SharedRateStore {
    incr(key: string, cb: Callback, timeWindow: number): void {
      counter.hit(key, timeWindow).then(
        (r) => cb(null, r),
        (e: Error) => cb(e),
      );
    }

    child(): SharedRateStore {
      return this;
    }
  };
}
