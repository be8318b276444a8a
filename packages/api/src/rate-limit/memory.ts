import { secondsUntil, type RateLimitDecision, type RateLimiter, type RateLimitRule } from "./types";

/**
 * A key's hits inside the window, oldest first, in a ring that grows by
 * doubling up to the rule's limit (limits may be large; most keys see few hits).
 */
type Log = { hits: Float64Array; head: number; count: number };

/**
 * One rule's keys. Map order is the order of each key's newest hit (a key is
 * re-inserted whenever it records a hit), so idle keys gather at the front and
 * are pruned from there: O(1) amortised, no full sweeps and no timers.
 */
type RuleState = { windowMs: number; logs: Map<string, Log> };

export type MemoryRateLimiter = RateLimiter & {
  /** Keys currently held, over all rules (for tests and diagnostics). */
  size(): number;
};

const oldest = (log: Log): number => log.hits[log.head] as number;
const newest = (log: Log): number => log.hits[(log.head + log.count - 1) % log.hits.length] as number;

/** Drops hits that are no longer inside the window ending at `now`. */
function expire(log: Log, now: number, windowMs: number): void {
  while (log.count > 0 && oldest(log) <= now - windowMs) {
    log.head = (log.head + 1) % log.hits.length;
    log.count--;
  }
}

function push(log: Log, t: number, limit: number): void {
  if (log.count === log.hits.length) {
    const hits = new Float64Array(Math.max(log.count + 1, Math.min(limit, log.hits.length * 2)));
    for (let i = 0; i < log.count; i++) hits[i] = log.hits[(log.head + i) % log.hits.length] as number;
    log.hits = hits;
    log.head = 0;
  }
  log.hits[(log.head + log.count) % log.hits.length] = t;
  log.count++;
}

/** In-process exact sliding log: at most `limit` hits in any `windowSec` span, per rule and key. */
export function createMemoryRateLimiter(opts: { now?: () => number } = {}): MemoryRateLimiter {
  const now = opts.now ?? Date.now;
  const rules = new Map<string, RuleState>();

  function stateOf(rule: RateLimitRule): RuleState {
    const windowMs = rule.windowSec * 1000;
    let state = rules.get(rule.name);
    if (!state) rules.set(rule.name, (state = { windowMs, logs: new Map() }));
    state.windowMs = windowMs;
    return state;
  }

  function prune(t: number): void {
    for (const state of rules.values()) {
      for (const [key, log] of state.logs) {
        if (log.count > 0 && newest(log) > t - state.windowMs) break;
        state.logs.delete(key);
      }
    }
  }

  /** The key's live log (expired hits dropped), or undefined when it holds none. */
  function logOf(state: RuleState, key: string, t: number): Log | undefined {
    const log = state.logs.get(key);
    if (!log) return undefined;
    expire(log, t, state.windowMs);
    if (log.count === 0) {
      state.logs.delete(key);
      return undefined;
    }
    return log;
  }

  function decide(rule: RateLimitRule, log: Log | undefined, t: number, allowed: boolean, windowMs: number): RateLimitDecision {
    const count = log?.count ?? 0;
    // With no hits held nothing is waiting to free up, except for a limit of 0, which never frees.
    const resetSec = log ? secondsUntil(oldest(log) + windowMs, t, !allowed) : allowed ? 0 : Math.max(1, rule.windowSec);
    return Object.freeze({ allowed, rule, remaining: Math.max(0, rule.limit - count), resetSec });
  }

  return {
    backend: "memory",
    async consume(rule, key) {
      const t = now();
      prune(t);
      const state = stateOf(rule);
      let log = logOf(state, key, t);
      if ((log?.count ?? 0) >= rule.limit) return decide(rule, log, t, false, state.windowMs);
      log ??= { hits: new Float64Array(Math.min(rule.limit, 8)), head: 0, count: 0 };
      push(log, t, rule.limit);
      // Re-insert so the map stays ordered by newest hit.
      state.logs.delete(key);
      state.logs.set(key, log);
      return decide(rule, log, t, true, state.windowMs);
    },
    async peek(rule, key) {
      const t = now();
      prune(t);
      const state = stateOf(rule);
      const log = logOf(state, key, t);
      return decide(rule, log, t, (log?.count ?? 0) < rule.limit, state.windowMs);
    },
    async reset(rule, key) {
      rules.get(rule.name)?.logs.delete(key);
    },
    async close() {
      rules.clear();
    },
    size() {
      let n = 0;
      for (const state of rules.values()) n += state.logs.size;
      return n;
    },
  };
}
