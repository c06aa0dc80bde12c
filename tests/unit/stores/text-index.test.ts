/**
 * The in-memory full text of the embedded database against Postgres' own: on a generated
 * help centre of 2,000 chunks (real PGlite), hundreds of questions (the bench's, CLINC150's
 * and the demo shop's) get the same chunks, in the same order, with the same ts_rank scores
 * as the SQL query, and a write is seen by the next search.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../edge/core/ports';
import { openPglite } from '../../../edge/stores/db/pglite';
import { readTsvector } from '../../../edge/stores/db/repos/text-index';
import { textSearcher } from '../../../edge/stores/db/repos/text-search';
import type { PGlite } from '@electric-sql/pglite';
import { generateCorpus, generateQueries } from '../../bench/corpus';

let pg: PGlite;
let db: Db;
const SITE = 'bench';

beforeAll(async () => {
  ({ pg, db } = await openPglite(null));
  await db.sites.upsert({ id: SITE, name: 'Bench', allowedOrigins: [] });
  const docs = generateCorpus(2000);
  let n = 0;
  for (const d of docs) {
    const chunks = d.sections.map((s, ord) => ({ kind: 'doc' as const, ord, title: `${d.title} — ${s.heading}`, url: null, content: s.text, tokens: 50 }));
    await db.documents.replace({ id: `d${++n}`, siteId: SITE, source: d.source, kind: 'doc', title: d.title, url: null, hash: String(n) }, chunks);
  }
}, 120_000);
afterAll(() => db.close());

/** The eval data sits beside the project (../shared/eval): used when there, a clone elsewhere has none. */
const CLINC = fileURLToPath(new URL('../../../../shared/eval/clinc150/test.csv', import.meta.url));

function questions(): string[] {
  const clinc = existsSync(CLINC)
    ? readFileSync(CLINC, 'utf8')
        .split('\n')
        .slice(1, 301)
        .map((l) => l.slice(0, l.lastIndexOf(',')))
    : [];
  const demo = ['How long does shipping take?', 'how do i retrun a jaket that dosnt fit', "Can I return a tent I've already pitched?", 'Do you sell kayaks?', 'order JP-10421 status'];
  return [...generateQueries(generateCorpus(2000), 400), ...clinc, ...demo].filter((q) => q.trim());
}

describe('full text in memory (embedded database) against Postgres', () => {
  it('reads the text form of tsvectors: escapes, positions, lexemes without positions', () => {
    expect(readTsvector(`'a':1 'it''s':2,5,9 'back\\\\slash':3 'bare'`)).toEqual([
      ['a', 1],
      ["it's", 3],
      ['back\\slash', 1],
      ['bare', 1],
    ]);
  });

  it('finds the same chunks in the same order with the same scores as ts_rank, for 500+ questions', async () => {
    const orm = drizzle(pg);
    const sqlPath = textSearcher(orm);
    const memory = textSearcher(orm, { inMemory: true });
    let compared = 0;
    for (const q of questions()) {
      const [a, b] = await Promise.all([sqlPath.search(SITE, q, 50), memory.search(SITE, q, 50)]);
      expect(b, q).toEqual(a);
      if (a.length > 0) compared++;
    }
    expect(compared).toBeGreaterThan(300);
  }, 120_000);

  it('sees a write at the next search', async () => {
    const before = await db.chunks.textSearch(SITE, 'zanzibarian periscope', 5);
    expect(before).toEqual([]);
    const [chunk] = await db.documents.replace({ id: 'dz', siteId: SITE, source: 'z.md', kind: 'doc', title: 'Zanzibar', url: null, hash: 'z' }, [
      { kind: 'doc', ord: 0, title: 'Zanzibar', url: null, content: 'The zanzibarian periscope ships in a week.', tokens: 9 },
    ]);
    expect((await db.chunks.textSearch(SITE, 'zanzibarian periscope', 5)).map((h) => h.chunkId)).toEqual([chunk.id]);
    await db.documents.delete(['dz']);
    expect(await db.chunks.textSearch(SITE, 'zanzibarian periscope', 5)).toEqual([]);
  });
});
