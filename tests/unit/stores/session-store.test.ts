import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../../edge/stores/memory/session-store';

function setup(opts: Partial<ConstructorParameters<typeof MemorySessionStore>[0]> = {}) {
  const clock = { t: 1_000_000, now() { return this.t; } };
  const store = new MemorySessionStore({ clock, ...opts });
  return { clock, store, advance: (s: number) => (clock.t += s * 1000) };
}

describe('MemorySessionStore events', () => {
  it('returns events after a seq, oldest first; null for unknown sessions', async () => {
    const { store } = setup();
    expect(await store.eventsAfter('s', 0)).toBeNull();
    for (let seq = 1; seq <= 3; seq++) await store.appendEvent('s', seq, { type: 'x', seq });
    expect(await store.eventsAfter('s', 1)).toEqual([{ type: 'x', seq: 2 }, { type: 'x', seq: 3 }]);
    expect(await store.eventsAfter('s', 3)).toEqual([]);
  });

  it('keeps the last N events and refuses a resume that would skip dropped ones', async () => {
    const { store } = setup({ maxEventsPerSession: 3 });
    for (let seq = 1; seq <= 5; seq++) await store.appendEvent('s', seq, { seq });
    expect(await store.eventsAfter('s', 2)).toEqual([{ seq: 3 }, { seq: 4 }, { seq: 5 }]);
    expect(await store.eventsAfter('s', 1)).toBeNull();
  });

  it('stores copies: later mutation of an event does not change what is replayed', async () => {
    const { store } = setup();
    const ev = { text: 'a' };
    await store.appendEvent('s', 1, ev);
    ev.text = 'changed';
    const [got] = (await store.eventsAfter('s', 0)) as { text: string }[];
    expect(got.text).toBe('a');
    got.text = 'mutated';
    expect(await store.eventsAfter('s', 0)).toEqual([{ text: 'a' }]);
  });

  it('evicts the least recently used session and forgets idle ones', async () => {
    const { store, advance } = setup({ maxSessions: 2, sessionTtlSeconds: 60 });
    await store.appendEvent('a', 1, 'a1');
    await store.appendEvent('b', 1, 'b1');
    await store.eventsAfter('a', 0); // a is now the most recently used
    await store.appendEvent('c', 1, 'c1');
    expect(await store.eventsAfter('b', 0)).toBeNull();
    expect(await store.eventsAfter('a', 0)).toEqual(['a1']);
    advance(59);
    await store.appendEvent('c', 2, 'c2'); // refreshes c's TTL
    advance(2);
    expect(await store.eventsAfter('a', 0)).toBeNull();
    expect(await store.eventsAfter('c', 0)).toEqual(['c1', 'c2']);
    expect(store.sizes().sessions).toBeLessThanOrEqual(2);
  });
});

describe('MemorySessionStore claim and cache', () => {
  it('claims a key once per TTL', async () => {
    const { store, advance } = setup();
    expect(await store.claim('msg:1', 10)).toBe(true);
    expect(await store.claim('msg:1', 10)).toBe(false);
    expect(await store.claim('msg:2', 10)).toBe(true);
    advance(10);
    expect(await store.claim('msg:1', 10)).toBe(true);
  });

  it('caches copies until the TTL and evicts the least recently used', async () => {
    const { store, advance } = setup({ maxCacheEntries: 2 });
    const value = { answer: 'x', list: [1] };
    await store.cacheSet('k1', value, 30);
    value.list.push(2);
    expect(await store.cacheGet('k1')).toEqual({ answer: 'x', list: [1] });
    await store.cacheSet('k2', 2, 30);
    await store.cacheGet('k1');
    await store.cacheSet('k3', 3, 30);
    expect(await store.cacheGet('k2')).toBeNull();
    expect(await store.cacheGet<number>('k3')).toBe(3);
    advance(30);
    expect(await store.cacheGet('k1')).toBeNull();
    expect(store.sizes().cache).toBeLessThanOrEqual(2);
  });

  it('bounds claims too', async () => {
    const { store } = setup({ maxCacheEntries: 5 });
    for (let i = 0; i < 50; i++) await store.claim(`k${i}`, 60);
    expect(store.sizes().claims).toBe(5);
    expect(await store.claim('k49', 60)).toBe(false);
  });
});

describe('MemorySessionStore rateLimit', () => {
  it('allows `limit` hits per fixed window and says how long to wait', async () => {
    const { store, clock, advance } = setup();
    clock.t = 60_000 * 1000; // the start of a 60 s window
    for (let i = 0; i < 3; i++) expect(await store.rateLimit('ip', 3, 60)).toBe(0);
    advance(15);
    expect(await store.rateLimit('ip', 3, 60)).toBe(45);
    expect(await store.rateLimit('other', 3, 60)).toBe(0);
    clock.t += 44_500;
    expect(await store.rateLimit('ip', 3, 60)).toBe(1);
    advance(1); // the next window
    expect(await store.rateLimit('ip', 3, 60)).toBe(0);
  });
});

describe('MemorySessionStore pub/sub', () => {
  it('delivers copies to every subscriber of the channel until they unsubscribe', async () => {
    const warnings: string[] = [];
    const { store } = setup({ log: { warn: (msg) => warnings.push(msg) } });
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = store.subscribe('conv:1', (m) => a.push(m));
    store.subscribe('conv:1', (m) => b.push(m));
    store.subscribe('conv:1', () => {
      throw new Error('bad subscriber');
    });
    store.subscribe('conv:2', () => a.push('wrong channel'));
    const msg = { type: 'agent.message', text: 'hi' };
    await store.publish('conv:1', msg);
    expect(a).toEqual([msg]);
    expect(b).toEqual([msg]);
    expect(a[0]).not.toBe(b[0]);
    expect(warnings).toHaveLength(1);
    offA();
    offA();
    await store.publish('conv:1', 'second');
    expect(a).toHaveLength(1);
    expect(b).toEqual([msg, 'second']);
    await store.publish('nobody', 'x');
  });

  it('drops a channel with no subscribers left', () => {
    const { store } = setup();
    const off1 = store.subscribe('c', () => {});
    const off2 = store.subscribe('c', () => {});
    off1();
    expect(store.sizes().channels).toBe(1);
    off2();
    expect(store.sizes().channels).toBe(0);
  });
});
