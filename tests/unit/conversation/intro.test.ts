/** `ready.intro` from a site and its most-asked FAQ entries, read at most every few minutes per site. */
import { describe, expect, it } from 'vitest';
import type { Db, SessionStore, Site } from '../../../edge/core/ports';
import { introFor } from '../../../edge/conversation/intro';
import { forgetMostAsked, MOST_ASKED_TTL_MS, mostAskedFaqs } from '../../../edge/core/sites/most-asked';
import { silentLogger } from '../../../edge/ops/logger';

function fakeDeps(mostCited: (siteId: string) => Promise<{ title: string; cited: number }[]>) {
  const calls: string[] = [];
  const clock = { t: 1_000_000, now: () => clock.t };
  const db = {
    documents: {
      mostCited: (siteId: string, kind: string, limit: number) => {
        calls.push(`${siteId}:${kind}:${limit}`);
        return mostCited(siteId);
      },
    },
  } as unknown as Db;
  // The cache belongs to the session store (one per process, or per isolate on Workers).
  const sessions = {} as SessionStore;
  return { deps: { db, sessions, clock, log: silentLogger }, calls, clock };
}

const site = (settings: Site['settings'] = {}): Site => ({ id: 'shop', name: 'Juniper Peak', allowedOrigins: [], settings });
const ranked = [{ title: 'How do returns work?', cited: 3 }, { title: 'Do you ship abroad?', cited: 0 }];

describe('introFor', () => {
  it('the site name and its most-asked FAQ titles when no suggestions are set', async () => {
    const { deps, calls } = fakeDeps(async () => ranked);
    expect(await introFor(deps, site())).toEqual({ title: 'Juniper Peak', suggestions: ['How do returns work?', 'Do you ship abroad?'] });
    expect(calls).toEqual(['shop:faq:4']);
  });

  it('the owner\'s avatar, reply time and suggestions, without reading the FAQ; [] shows none', async () => {
    const { deps, calls } = fakeDeps(async () => ranked);
    const settings = { avatarUrl: 'https://shop.example/logo.png', replyTime: 'hours' as const, suggestions: ['Where is my order?'] };
    expect(await introFor(deps, site(settings))).toEqual({ title: 'Juniper Peak', avatar: 'https://shop.example/logo.png', replyTime: 'hours', suggestions: ['Where is my order?'] });
    expect(await introFor(deps, site({ suggestions: [] }))).toEqual({ title: 'Juniper Peak', suggestions: [] });
    expect(calls).toEqual([]);
  });

  it("the intents' own questions when the site sets no suggestions: in order, each once, four at most", async () => {
    const { deps, calls } = fakeDeps(async () => ranked);
    const intents = {
      cancel_subscription: { action: 'ticket' as const, suggestions: ['How do I cancel?', 'Can I pause instead?'] },
      opening_hours: { action: 'reply' as const, reply: 'Open 9–5.', suggestions: ['When are you open?', 'How do I cancel?'] },
      warranty_claim: { action: 'answer' as const },
      where_is_my_order: { action: 'order' as const, suggestions: ['Where is my order?', 'Has it shipped?'] },
    };
    expect((await introFor(deps, site({ intents })))!.suggestions).toEqual(['How do I cancel?', 'Can I pause instead?', 'When are you open?', 'Where is my order?']);
    // The site's own list wins, even empty; intents without questions leave the FAQ's.
    expect((await introFor(deps, site({ intents, suggestions: [] })))!.suggestions).toEqual([]);
    expect(calls).toEqual([]);
    expect((await introFor(deps, site({ intents: { warranty_claim: { action: 'answer' } } })))!.suggestions).toEqual(['How do returns work?', 'Do you ship abroad?']);
  });

  it('is undefined, not an error, when the database cannot be read', async () => {
    const { deps } = fakeDeps(async () => {
      throw new Error('connection refused');
    });
    expect(await introFor(deps, site())).toBeUndefined();
    // Set suggestions need no database.
    expect(await introFor(deps, site({ suggestions: ['a'] }))).toEqual({ title: 'Juniper Peak', suggestions: ['a'] });
  });
});

describe('mostAskedFaqs', () => {
  it('reads a site once per TTL; a failure is not remembered; forgetMostAsked reads again', async () => {
    let fail = false;
    const { deps, calls, clock } = fakeDeps(async () => {
      if (fail) throw new Error('down');
      return [...ranked, { title: 'How do returns work?', cited: 0 }];
    });
    expect(await mostAskedFaqs(deps, 'shop')).toEqual(['How do returns work?', 'Do you ship abroad?']);
    clock.t += MOST_ASKED_TTL_MS - 1;
    await mostAskedFaqs(deps, 'shop');
    expect(calls).toHaveLength(1);
    await mostAskedFaqs(deps, 'other');
    expect(calls).toHaveLength(2);

    clock.t += 1;
    fail = true;
    await expect(mostAskedFaqs(deps, 'shop')).rejects.toThrow('down');
    fail = false;
    expect(await mostAskedFaqs(deps, 'shop')).toHaveLength(2);
    expect(calls).toHaveLength(4);

    forgetMostAsked(deps, 'shop');
    await mostAskedFaqs(deps, 'shop');
    expect(calls).toHaveLength(5);
  });
});
