/**
 * Order look-up guessing is counted in the session store (Redis when shared), whose keys are
 * listed in the clear: the order number appears there only as a digest, and the email not at all.
 */
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../../edge/core/deps';
import { answerOrder } from '../../../edge/pipeline/orders';

describe('order look-up failure counters', () => {
  it('key the order number by a digest, never by its value or the email', async () => {
    const keys: string[] = [];
    const sessions = {
      cacheGet: async (k: string) => (keys.push(k), null),
      cacheSet: async (k: string) => void keys.push(k),
      rateLimit: async (k: string) => (keys.push(k), 0),
    };
    const db = { orders: { find: async () => null } };
    const deps = { db, sessions, clock: { now: () => 0 } } as unknown as Pick<Deps, 'db' | 'sessions' | 'clock'>;
    await answerOrder(deps, { siteId: 'shop', session: 's_1', address: '203.0.113.9' }, { number: 'JP-10388', email: 'ines@example.com' }, 'en');
    await answerOrder(deps, { siteId: 'shop', session: 's_2', address: '203.0.113.9' }, { number: 'JP-10388', email: 'other@example.com' }, 'en');
    const numberKeys = keys.filter((k) => k.includes('order-num:'));
    expect(numberKeys.length).toBeGreaterThan(0);
    for (const k of keys) {
      expect(k).not.toMatch(/10388|ines|other@/i);
    }
    // The same number counts on the same key, whoever guesses.
    expect(new Set(numberKeys.filter((k) => k.startsWith('order-num:'))).size).toBe(1);
    expect(numberKeys[0]).toMatch(/^(lock:)?order-num:shop:[0-9a-f]{32}$/);
  });
});
