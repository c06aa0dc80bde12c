/**
 * What every SessionStore must do (edge/core/ports/stores.ts), run against each implementation:
 * the in-memory store, Redis through node-redis, Upstash through its REST protocol. Each test
 * opens two handles on one shared store, the view of two processes (the same object for the
 * in-memory store, which serves one process), and checks what one sees of the other's writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sessionChannel, type NumberedEvent, type SessionStore } from '../../edge/core/ports';

export interface ContractStores {
  a: SessionStore;
  b: SessionStore;
  /** The injected clock both handles read (rate-limit windows; every expiry in memory). */
  clock: { t: number };
  /** Lets `ms` pass for expiries: the injected clock, plus real time where the server keeps time. */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

export type ContractFactory = (opts?: { maxEventsPerSession?: number }) => Promise<ContractStores>;

/**
 * Two processes' handles on one server (Redis, Upstash): each built by `open` with a shared
 * injected clock; time passes on that clock and for real, since the server keeps its own.
 */
export async function twoHandles(
  open: (clock: { t: number; now(): number }) => Promise<SessionStore> | SessionStore,
): Promise<ContractStores> {
  const clock = { t: Date.now(), now() { return this.t; } };
  const [a, b] = await Promise.all([open(clock), open(clock)]);
  return {
    a,
    b,
    clock,
    elapse: async (ms) => {
      clock.t += ms;
      await new Promise((r) => setTimeout(r, ms));
    },
    close: async () => void (await Promise.all([a.close(), b.close()])),
  };
}

/** Polls until `check` holds: deliveries through a server arrive a little after the call returns. */
export async function eventually(check: () => boolean, what = 'condition', ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function sessionStoreContract(name: string, make: ContractFactory, opts: { skip?: boolean } = {}): void {
  describe.skipIf(opts.skip ?? false)(`SessionStore contract: ${name}`, () => {
    const opened: ContractStores[] = [];
    const open = async (o?: { maxEventsPerSession?: number }) => {
      const s = await make(o);
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('numbers events from 1 and replays them after a seq, oldest first, as {seq, event}', async () => {
      const { a, b } = await open();
      expect(await a.lastSeq('s')).toBeNull();
      expect(await a.eventsAfter('s', 0)).toBeNull();
      const events = [{ type: 'x', list: [], nested: { n: null, big: 2 ** 53 - 1 } }, 'héllo "quoted"\n', null, [], 0];
      for (const [i, e] of events.entries()) expect(await a.appendEvent('s', e, 0)).toBe(i + 1);
      expect(await b.appendEvent('s', undefined, 0)).toBe(6);
      expect(await b.lastSeq('s')).toBe(6);
      const all = events.concat([null]).map((event, i) => ({ seq: i + 1, event }));
      expect(await b.eventsAfter('s', 0)).toEqual(all);
      expect(await a.eventsAfter('s', 4)).toEqual(all.slice(4));
      expect(await a.eventsAfter('s', 6)).toEqual([]);
      // A seq the store never gave: it cannot say what came after it.
      expect(await a.eventsAfter('s', 7)).toBeNull();
      expect(await a.lastSeq('other')).toBeNull();
      expect(await a.eventsAfter('other', 0)).toBeNull();
    });

    it('never numbers at or below the floor; a jump starts the kept events afresh', async () => {
      const { a, b } = await open();
      expect(await a.appendEvent('f', 'a', 10)).toBe(11);
      expect(await b.appendEvent('f', 'b', 5)).toBe(12);
      expect(await a.appendEvent('f', 'c', 12)).toBe(13);
      expect(await b.eventsAfter('f', 10)).toEqual([
        { seq: 11, event: 'a' },
        { seq: 12, event: 'b' },
        { seq: 13, event: 'c' },
      ]);
      expect(await b.eventsAfter('f', 9)).toBeNull();
      expect(await b.appendEvent('f', 'd', 20)).toBe(21);
      expect(await a.lastSeq('f')).toBe(21);
      // Seqs 14..20 were given elsewhere: a resume from 13 would silently skip them.
      expect(await a.eventsAfter('f', 13)).toBeNull();
      expect(await a.eventsAfter('f', 20)).toEqual([{ seq: 21, event: 'd' }]);
    });

    it('two handles appending at once never give one seq twice', async () => {
      const { a, b } = await open();
      const n = 40;
      const seqs = await Promise.all(range(0, n - 1).map((i) => (i % 2 ? a : b).appendEvent('race', { i }, 0)));
      expect([...seqs].sort((x, y) => x - y)).toEqual(range(1, n));
      const kept = (await a.eventsAfter('race', 0))!;
      expect(kept.map((e) => e.seq)).toEqual(range(1, n));
      for (const [i, seq] of seqs.entries()) expect(kept[seq - 1].event).toEqual({ i });
    });

    it('keeps the last N events and refuses a resume that would skip dropped ones', async () => {
      const { a, b } = await open({ maxEventsPerSession: 3 });
      for (let i = 1; i <= 5; i++) await a.appendEvent('s', { i }, 0);
      expect(await b.eventsAfter('s', 2)).toEqual([3, 4, 5].map((i) => ({ seq: i, event: { i } })));
      expect(await b.eventsAfter('s', 4)).toEqual([{ seq: 5, event: { i: 5 } }]);
      expect(await b.eventsAfter('s', 5)).toEqual([]);
      expect(await b.eventsAfter('s', 1)).toBeNull();
      expect(await b.eventsAfter('s', 0)).toBeNull();
      expect(await b.lastSeq('s')).toBe(5);
    });

    it('keeps copies: mutating what went in or came out changes nothing stored', async () => {
      const { a } = await open();
      const ev = { text: 'a', list: [1] };
      await a.appendEvent('s', ev, 0);
      ev.list.push(2);
      const [got] = (await a.eventsAfter('s', 0))!;
      (got.event as { text: string }).text = 'mutated';
      expect(await a.eventsAfter('s', 0)).toEqual([{ seq: 1, event: { text: 'a', list: [1] } }]);
    });

    it("a subscriber on one handle gets the other's appends in seq order, and its publishes", async () => {
      const { a, b } = await open();
      const got: NumberedEvent[] = [];
      const other: unknown[] = [];
      const off = await a.subscribe(sessionChannel('p'), (m) => got.push(m as NumberedEvent));
      await a.subscribe(sessionChannel('q'), (m) => other.push(m));
      await b.appendEvent('p', { first: true }, 0);
      // Both handles at once: delivery order is still seq order.
      await Promise.all(range(1, 20).map((i) => (i % 2 ? a : b).appendEvent('p', { i }, 0)));
      await b.publish(sessionChannel('p'), { type: 'typing' });
      await eventually(() => got.length === 22, '22 messages');
      expect(got.slice(0, 21)).toEqual(await a.eventsAfter('p', 0));
      expect(got[21]).toEqual({ type: 'typing' });
      expect(other).toEqual([]);

      // After `off`, nothing more reaches it (a second listener shows the message did arrive).
      off();
      off();
      const sentinel: unknown[] = [];
      await a.subscribe(sessionChannel('p'), (m) => sentinel.push(m));
      await b.appendEvent('p', 'late', 0);
      await eventually(() => sentinel.length === 1, 'the sentinel');
      expect(sentinel).toEqual([{ seq: 22, event: 'late' }]);
      expect(got).toHaveLength(22);
    });

    it('a throwing subscriber breaks nobody; each subscriber gets its own copy', async () => {
      const { a, b } = await open();
      const one: { list: number[] }[] = [];
      const two: { list: number[] }[] = [];
      await a.subscribe('room', () => {
        throw new Error('bad subscriber');
      });
      await a.subscribe('room', (m) => one.push(m as { list: number[] }));
      await a.subscribe('room', (m) => two.push(m as { list: number[] }));
      await b.publish('room', { list: [1] });
      await b.publish('room', 'second');
      await eventually(() => one.length === 2 && two.length === 2, 'both subscribers');
      expect(one).toEqual([{ list: [1] }, 'second']);
      one[0].list.push(2);
      expect(two[0]).toEqual({ list: [1] });
    });

    it('leases: one owner at a time across handles; renew, release by the owner only, expiry', async () => {
      const { a, b, elapse } = await open();
      expect(await a.lease('turn:1', 'p1', 10_000)).toBe(true);
      expect(await b.lease('turn:1', 'p2', 10_000)).toBe(false);
      expect(await a.lease('turn:1', 'p1', 10_000)).toBe(true);
      await b.unlease('turn:1', 'p2');
      expect(await b.lease('turn:1', 'p2', 10_000)).toBe(false);
      await a.unlease('turn:1', 'p1');
      expect(await b.lease('turn:1', 'p2', 10_000)).toBe(true);
      expect(await a.lease('turn:1', 'p1', 10_000)).toBe(false);

      // A holder that stops renewing loses the lease; one that renews keeps it.
      expect(await a.lease('turn:2', 'p1', 300)).toBe(true);
      expect(await a.lease('turn:3', 'p1', 300)).toBe(true);
      await elapse(200);
      expect(await a.lease('turn:3', 'p1', 10_000)).toBe(true);
      await elapse(500);
      expect(await b.lease('turn:2', 'p2', 10_000)).toBe(true);
      expect(await b.lease('turn:3', 'p2', 10_000)).toBe(false);
    });

    it('caches any JSON value until its TTL, shared by both handles', async () => {
      const { a, b, elapse } = await open();
      const value = { answer: 'x', list: [1], n: null };
      await a.cacheSet('k1', value, 30);
      value.list.push(2);
      expect(await b.cacheGet('k1')).toEqual({ answer: 'x', list: [1], n: null });
      for (const v of ['123', 42, [], true]) {
        await a.cacheSet('k2', v, 30);
        expect(await b.cacheGet('k2')).toEqual(v);
      }
      expect(await b.cacheGet('missing')).toBeNull();
      await a.cacheSet('short', 'v', 1);
      expect(await b.cacheGet('short')).toBe('v');
      await elapse(1100);
      expect(await b.cacheGet('short')).toBeNull();
      expect(await b.cacheGet('k1')).not.toBeNull();
    });

    it('allows `limit` hits per sliding window across handles, says how long to wait, and does not count refusals', async () => {
      const { a, b, clock } = await open();
      clock.t = 60_000 * 1000_000; // the start of a 60 s window
      expect(await a.rateLimit('ip', 3, 60)).toBe(0);
      expect(await b.rateLimit('ip', 3, 60)).toBe(0);
      expect(await a.rateLimit('ip', 3, 60)).toBe(0);
      clock.t += 15_000;
      // Full: the next window starts with these 3 weighing in, fading to 2 after 20 s of it.
      expect(await b.rateLimit('ip', 3, 60)).toBe(65);
      expect(await a.rateLimit('ip', 3, 60)).toBe(65); // the refusal before was not counted
      expect(await b.rateLimit('other', 3, 60)).toBe(0);
      clock.t += 45_000 + 21_000; // 21 s into the next window: 3 · 39/60 = 1.95 still counted
      expect(await a.rateLimit('ip', 3, 60)).toBe(0);
      expect(await b.rateLimit('ip', 3, 60)).toBe(19);
      clock.t += 19_000;
      expect(await a.rateLimit('ip', 3, 60)).toBe(0);
      // No burst at the edge: a fixed window would allow 3 more at the start of the next one.
      clock.t = 60_000 * 2000_000 - 1000;
      for (let i = 0; i < 3; i++) expect(await a.rateLimit('edge', 3, 60)).toBe(0);
      clock.t += 2000;
      expect(await b.rateLimit('edge', 3, 60)).toBeGreaterThan(0);
    });

    it('checks several limits in order in one call: each counts the hit until one refuses, and neither that one nor those after count it', async () => {
      const { a, b, clock } = await open();
      clock.t = 60_000 * 3000_000; // the start of a 60 s window
      const checks = (who: string) => [
        { key: `narrow:${who}`, limit: 2, windowSeconds: 60 },
        { key: 'wide', limit: 3, windowSeconds: 60 },
        { key: 'widest', limit: 100, windowSeconds: 1 },
      ];
      expect(await a.rateLimits([])).toBe(0);
      expect(await a.rateLimits(checks('x'))).toBe(0);
      expect(await b.rateLimits(checks('x'))).toBe(0);
      // narrow:x is full: its own wait (the single check agrees), and wide is not spent by it.
      const wait = await a.rateLimits(checks('x'));
      expect(wait).toBe(90);
      expect(await b.rateLimit('narrow:x', 2, 60)).toBe(wait);
      expect(await a.rateLimits(checks('y'))).toBe(0);
      // wide is full now (x, x, y): narrow:z counted this one, widest did not.
      expect(await b.rateLimits(checks('z'))).toBe(await a.rateLimit('wide', 3, 60));
      expect(await a.rateLimit('narrow:z', 2, 60)).toBe(0);
      expect(await a.rateLimit('narrow:z', 2, 60)).toBeGreaterThan(0);
      // widest counted x, x, y: three hits, so a fourth fits under 4 and a fifth does not.
      expect(await b.rateLimit('widest', 4, 1)).toBe(0);
      expect(await b.rateLimit('widest', 4, 1)).toBeGreaterThan(0);
    });

    it('forgets a session: its event log and every counter or lease named after it, and nothing else', async () => {
      const { a, b } = await open();
      await a.appendEvent('s_gone', { n: 1 }, 0);
      await a.appendEvent('s_kept', { n: 1 }, 0);
      expect(await a.rateLimit('msg:s_gone', 1, 60)).toBe(0);
      expect(await a.rateLimit('msg:s_gone', 1, 60)).toBeGreaterThan(0);
      expect(await a.lease('turn:s_gone:m1', 'me', 60_000)).toBe(true);
      await b.forget('s_gone');
      expect(await a.lastSeq('s_gone')).toBeNull();
      expect(await a.rateLimit('msg:s_gone', 1, 60)).toBe(0);
      expect(await a.lease('turn:s_gone:m1', 'other', 60_000)).toBe(true);
      expect(await a.lastSeq('s_kept')).toBe(1);
    });

    it('answers ping', async () => {
      const { a, b } = await open();
      await expect(a.ping()).resolves.toBeUndefined();
      await expect(b.ping()).resolves.toBeUndefined();
    });
  });
}
