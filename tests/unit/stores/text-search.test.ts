import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../edge/core/ports';
import { openPglite } from '../../../edge/stores/db/pglite';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { keepRarest, textSearcher } from '../../../edge/stores/db/repos/text-search';

describe('keepRarest', () => {
  const df = new Map([
    ['order', 900],
    ['ship', 300],
    ['canada', 12],
    ['kayak', 3],
  ]);
  it('keeps the rarest words while their rows fit the budget', () => {
    expect(keepRarest(['order', 'ship', 'canada', 'kayak'], df, 400)).toEqual(['kayak', 'canada', 'ship']);
    expect(keepRarest(['order', 'ship', 'canada', 'kayak'], df, 100)).toEqual(['kayak', 'canada']);
  });
  it('always keeps the rarest word, and drops words no chunk has', () => {
    expect(keepRarest(['order', 'zebra'], df, 10)).toEqual(['order']);
    expect(keepRarest(['zebra'], df, 10)).toEqual([]);
  });
});

describe("a question's lexemes (real PGlite)", () => {
  it('reads plain words through its memo exactly as Postgres reads the whole question', async () => {
    const pg = new PGlite();
    const searcher = textSearcher(drizzle(pg));
    const whole = async (q: string) => (await pg.query<{ l: string }>(`select unnest(tsvector_to_array(to_tsvector('english', $1))) as l`, [q])).rows.map((r) => r.l);
    const questions = [
      'How do I RETURN a Jacket that does not fit?',
      "I don't know what’s wrong, it's broken!",
      '¿Cuánto tarda el envío a Canadá?',
      '"quoted words" (and brackets), semicolons; colons: done.',
      'Where is order 10421, the 2nd one (term7r)?',
      // Not plain: hyphenated codes, hosts and emails are read whole by Postgres.
      'Where is order 10421 for jp-stv-01?',
      'email me at help.example.com about e-mail',
      // Asked again: answered from the memo, still the same.
      'How do I RETURN a Jacket that does not fit?',
    ];
    for (const q of questions) expect(await searcher.lexemes(q), q).toEqual(await whole(q));
    await pg.close();
  });
});

describe('full-text search pruned by document frequency (real PGlite)', () => {
  let db: Db;
  beforeAll(async () => {
    ({ db } = await openPglite(null));
    await db.sites.upsert({ id: 's', name: 's', allowedOrigins: [] });
    // "order" is in every chunk: a word that common must not make every query rank them all.
    for (let i = 0; i < 60; i++) {
      await db.documents.replace(
        { id: `d${i}`, siteId: 's', source: `f${i}.md`, kind: 'doc', title: `Page ${i}`, url: null, hash: `h${i}` },
        [{ kind: 'doc', ord: 0, title: `Page ${i}`, url: null, content: `Your order number ${i} ships from the warehouse${i === 42 ? ' by kayak courier' : ''}.`, tokens: 10 }],
      );
    }
  });
  afterAll(() => db.close());

  it('ranks the chunk with the rare word first', async () => {
    const hits = await db.chunks.textSearch('s', 'can my order come by kayak?', 5);
    const [top] = await db.chunks.get([hits[0].chunkId]);
    expect(top.content).toMatch(/kayak/);
  });

  it('sees a document written after the frequencies were read', async () => {
    expect(await db.chunks.textSearch('s', 'snowshoes', 5)).toEqual([]);
    await db.documents.replace(
      { id: 'dn', siteId: 's', source: 'new.md', kind: 'doc', title: 'Snowshoes', url: null, hash: 'hn' },
      [{ kind: 'doc', ord: 0, title: 'Snowshoes', url: null, content: 'Snowshoes ship in winter.', tokens: 5 }],
    );
    expect(await db.chunks.textSearch('s', 'snowshoes', 5)).toHaveLength(1);
  });

  it('returns nothing for stop words or punctuation only', async () => {
    expect(await db.chunks.textSearch('s', 'the and of', 5)).toEqual([]);
    expect(await db.chunks.textSearch('s', '?!', 5)).toEqual([]);
  });
});
