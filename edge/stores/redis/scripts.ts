/**
 * The Lua scripts and key layout shared by the Redis (node-redis) and Upstash (REST) session
 * stores, so both keep a session the same way and either can read what the other wrote.
 *
 * A session is one list, `<prefix>ev:<session>`, of `{"seq":N,"event":<json>}` entries, oldest
 * first, at most `maxEvents` long. Its seqs are consecutive: the last entry holds the session's
 * last seq and the first tells how far back a resume can go, so no second key has to be kept
 * in step with it (a second key could expire or be evicted alone and then numbers would repeat).
 * A floor above the last seq starts the list afresh, because what it held no longer runs into
 * the new events and a resume across the gap must be refused.
 *
 * Entries are built by string concatenation from the caller's JSON, never re-encoded by cjson
 * (which would turn `[]` into `{}` and round big numbers), and the very same text is published,
 * so what a subscriber receives is byte for byte what a resume replays.
 */
import type { RateCheck } from '../../core/ports';
import { secondsToWait, windowAt } from '../../core/rate-limit';

export const sessionKeys = (prefix: string) => ({
  events: (session: string) => `${prefix}ev:${session}`,
  lease: (key: string) => `${prefix}lease:${key}`,
  cache: (key: string) => `${prefix}cache:${key}`,
  rate: (key: string, window: number) => `${prefix}rl:${key}:${window}`,
  channel: (channel: string) => `${prefix}ch:${channel}`,
});

/** KEYS: the events list. ARGV: event JSON, floor, events kept, TTL seconds, channel. Returns the seq. */
export const APPEND_EVENT = `
local tail = redis.call('LINDEX', KEYS[1], -1)
local last = 0
if tail then last = tonumber(string.match(tail, '^{"seq":(%d+),')) end
local floor = tonumber(ARGV[2])
if floor > last then
  if tail then redis.call('DEL', KEYS[1]) end
  last = floor
end
local seq = last + 1
local entry = '{"seq":' .. string.format('%d', seq) .. ',"event":' .. ARGV[1] .. '}'
redis.call('RPUSH', KEYS[1], entry)
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[3]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[5], entry)
return seq
`;

/**
 * KEYS: the events list. ARGV: after. The entries with seq > after; an empty array when after
 * is the last seq; nil when the kept entries do not reach back to after + 1, or when after is
 * beyond the last seq (the store cannot vouch for a number it never gave).
 */
export const EVENTS_AFTER = `
local head = redis.call('LINDEX', KEYS[1], 0)
if not head then return false end
local first = tonumber(string.match(head, '^{"seq":(%d+),'))
local from = tonumber(ARGV[1]) + 1 - first
if from < 0 then return false end
if from > redis.call('LLEN', KEYS[1]) then return false end
return redis.call('LRANGE', KEYS[1], from, -1)
`;

/** KEYS: the lease. ARGV: owner, TTL ms. 1 when taken or extended, 0 when another owner holds it. */
export const LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** KEYS: the lease. ARGV: owner. Deletes it only while that owner holds it. */
export const UNLEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * KEYS: per limit, its counter for this window and for the previous one. ARGV: per limit, the
 * limit, window ms, ms into this window. The sliding-window estimate of edge/core/rate-limit.ts,
 * limit after limit: a hit is counted by each until one it does not fit, which (with those
 * after it) does not count it. Returns {0} when all counted it, else {which (from 1), that
 * limit's previous count, its current count}.
 */
export const SLIDING_WINDOWS = `
for i = 0, #KEYS / 2 - 1 do
  local limit = tonumber(ARGV[i * 3 + 1])
  local window = tonumber(ARGV[i * 3 + 2])
  local elapsed = tonumber(ARGV[i * 3 + 3])
  local curr = tonumber(redis.call('GET', KEYS[i * 2 + 1]) or '0')
  local prev = tonumber(redis.call('GET', KEYS[i * 2 + 2]) or '0')
  if prev * ((window - elapsed) / window) + curr + 1 > limit then return {i + 1, prev, curr} end
  redis.call('INCR', KEYS[i * 2 + 1])
  redis.call('PEXPIRE', KEYS[i * 2 + 1], window * 2)
end
return {0}
`;

/** SLIDING_WINDOWS' keys and arguments for `checks` at `now`, and how to read its reply as seconds to wait. */
export function slidingWindows(keys: ReturnType<typeof sessionKeys>, checks: readonly RateCheck[], now: number) {
  const windows = checks.map((c) => {
    const windowMs = seconds(c.windowSeconds) * 1000;
    return { limit: c.limit, windowMs, ...windowAt(now, windowMs), key: c.key };
  });
  return {
    keys: windows.flatMap((w) => [keys.rate(w.key, w.window), keys.rate(w.key, w.window - 1)]),
    args: windows.flatMap((w) => [String(w.limit), String(w.windowMs), String(w.elapsedMs)]),
    waitOf(reply: unknown): number {
      const [which, prev, curr] = (reply as unknown[]).map(Number);
      const w = windows[which - 1];
      return w ? secondsToWait({ prev, curr }, w.limit, w.elapsedMs, w.windowMs) : 0;
    },
  };
}

/** A SCAN pattern for every key under `prefix` that names `session` (limits, leases, its log). */
export function keysNaming(prefix: string, session: string): string {
  const glob = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
  return `${glob(prefix)}*${glob(session)}*`;
}

/** The seq of a stored entry without parsing the whole event. */
export function seqOfEntry(entry: string): number {
  const m = /^\{"seq":(\d+),/.exec(entry);
  if (!m) throw new Error(`not a session event entry: ${entry.slice(0, 40)}`);
  return Number(m[1]);
}

/** Checks what callers pass before it reaches a script, where a bad number fails obscurely. */
export function wholeNumber(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a whole number ≥ 0 (got ${n})`);
  return n;
}

export function positive(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what} must be a positive integer`);
  return n;
}

/** Redis expiries in seconds are whole, at least one (EX 0 is an error). */
export function seconds(n: number): number {
  return Math.max(1, Math.ceil(n));
}

/** The JSON text of an event or message; undefined becomes null, as JSON has no undefined. */
export const toJson = (value: unknown): string => JSON.stringify(value ?? null);
