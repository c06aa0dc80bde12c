import { describe, expect, it } from 'vitest';
import { sessionChannel } from '../../../edge/core/ports';
import { MemorySessionStore } from '../../../edge/stores/memory/session-store';
import { sessionStoreContract } from '../../integration/session-store-contract';

function setup(opts: Partial<ConstructorParameters<typeof MemorySessionStore>[0]> = {}) {
  const clock = { t: 1_000_000, now() { return this.t; } };
  const store = new MemorySessionStore({ clock, ...opts });
  return { clock, store, advance: (s: number) => (clock.t += s * 1000) };
}

// One process: both "handles" are the same store, and time is the injected clock alone.
sessionStoreContract('in memory', async (opts) => {
  const { store, clock } = setup(opts);
  return { a: store, b: store, clock, elapse: async (ms) => void (clock.t += ms), close: () => store.close() };
});

describe('MemorySessionStore bounds and expiry', () => {
  it('evicts the least recently used session and forgets idle ones', async () => {
    const { store, advance } = setup({ maxSessions: 2, sessionTtlSeconds: 60 });
    await store.appendEvent('a', 'a1', 0);
    await store.appendEvent('b', 'b1', 0);
    await store.eventsAfter('a', 0); // a is now the most recently used
    await store.appendEvent('c', 'c1', 0);
    expect(await store.eventsAfter('b', 0)).toBeNull();
    expect(await store.lastSeq('b')).toBeNull();
    expect(await store.eventsAfter('a', 0)).toEqual([{ seq: 1, event: 'a1' }]);
    advance(59);
    await store.appendEvent('c', 'c2', 0); // refreshes c's TTL
    advance(2);
    expect(await store.eventsAfter('a', 0)).toBeNull();
    expect(await store.eventsAfter('c', 0)).toEqual([{ seq: 1, event: 'c1' }, { seq: 2, event: 'c2' }]);
    expect(store.sizes().sessions).toBeLessThanOrEqual(2);
  });

  it('a forgotten session numbers from the floor again', async () => {
    const { store, advance } = setup({ sessionTtlSeconds: 60 });
    await store.appendEvent('s', 'x', 0);
    await store.appendEvent('s', 'y', 0);
    advance(60);
    expect(await store.lastSeq('s')).toBeNull();
    expect(await store.appendEvent('s', 'z', 2)).toBe(3);
  });

  it('expires leases and cache entries by the injected clock, and bounds them', async () => {
    const { store, clock } = setup({ maxCacheEntries: 5 });
    expect(await store.lease('k', 'p1', 1500)).toBe(true);
    clock.t += 1499;
    expect(await store.lease('k', 'p2', 1000)).toBe(false);
    clock.t += 1;
    expect(await store.lease('k', 'p2', 1000)).toBe(true);
    for (let i = 0; i < 50; i++) await store.lease(`l${i}`, 'p', 60_000);
    expect(store.sizes().leases).toBe(5);
    expect(await store.lease('l49', 'other', 60_000)).toBe(false);

    await store.cacheSet('c', 1, 30);
    clock.t += 29_999;
    expect(await store.cacheGet('c')).toBe(1);
    clock.t += 1;
    expect(await store.cacheGet('c')).toBeNull();
  });

  it('caches copies and evicts the least recently used entry', async () => {
    const { store } = setup({ maxCacheEntries: 2 });
    await store.cacheSet('k1', { list: [1] }, 30);
    await store.cacheSet('k2', 2, 30);
    const hit = await store.cacheGet<{ list: number[] }>('k1');
    hit!.list.push(2);
    await store.cacheSet('k3', 3, 30);
    expect(await store.cacheGet('k2')).toBeNull();
    expect(await store.cacheGet('k1')).toEqual({ list: [1] });
    expect(store.sizes().cache).toBeLessThanOrEqual(2);
  });
});

describe('MemorySessionStore delivery', () => {
  it('hands an append to local subscribers before appendEvent resolves, as the stored {seq, event}', async () => {
    const { store } = setup();
    const got: unknown[] = [];
    await store.subscribe(sessionChannel('s'), (m) => got.push(m));
    const appended = store.appendEvent('s', { text: 'hi' }, 4);
    // Synchronously: no tick has passed since the call.
    expect(got).toEqual([{ seq: 5, event: { text: 'hi' } }]);
    expect(await appended).toBe(5);
  });

  it('drops a channel with no subscribers left', async () => {
    const { store } = setup();
    const off1 = await store.subscribe('c', () => {});
    const off2 = await store.subscribe('c', () => {});
    off1();
    expect(store.sizes().channels).toBe(1);
    off2();
    expect(store.sizes().channels).toBe(0);
  });

  it('rejects a floor or position that is not a whole number', async () => {
    const { store } = setup();
    await expect(store.appendEvent('s', 'x', -1)).rejects.toThrow(/floor/);
    await expect(store.appendEvent('s', 'x', 1.5)).rejects.toThrow(/floor/);
    await expect(store.eventsAfter('s', Number.NaN)).rejects.toThrow(/after/);
  });
});
