import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ChunkRow, Db, DocumentRow } from '../../../core/ports';
import { chunks, conversations, documents, messages } from '../schema';
import { batches, rowsOf, type Orm } from './orm';
import { textSearcher } from './text-search';

const documentColumns = {
  id: documents.id,
  siteId: documents.siteId,
  source: documents.source,
  kind: documents.kind,
  title: documents.title,
  url: documents.url,
  hash: documents.hash,
};

const chunkColumns = {
  id: chunks.id,
  documentId: chunks.documentId,
  siteId: chunks.siteId,
  kind: chunks.kind,
  ord: chunks.ord,
  title: chunks.title,
  url: chunks.url,
  content: chunks.content,
  tokens: chunks.tokens,
};

/** `changed(siteId)` hears of every write to a site's chunks; `changed()` of writes to unknown sites. */
export function documentsRepo(db: Orm, changed: (siteId?: string) => void = () => {}): Db['documents'] {
  return {
    async list(siteId) {
      return db.select(documentColumns).from(documents).where(eq(documents.siteId, siteId)).orderBy(asc(documents.source));
    },
    async get(siteId, source) {
      const [row] = await db
        .select(documentColumns)
        .from(documents)
        .where(and(eq(documents.siteId, siteId), eq(documents.source, source)))
        .limit(1);
      return row ?? null;
    },
    async replace(doc, parts) {
      return db.transaction(async (tx) => {
        // Keyed by (site, source): re-ingesting a file updates its row and keeps its id.
        const [saved] = await tx
          .insert(documents)
          .values(doc)
          .onConflictDoUpdate({
            target: [documents.siteId, documents.source],
            set: { kind: doc.kind, title: doc.title, url: doc.url, hash: doc.hash, updatedAt: sql`now()` },
          })
          .returning({ id: documents.id });
        // Old chunks go, and with them (by cascade) whatever vectors pointed at them.
        await tx.delete(chunks).where(eq(chunks.documentId, saved.id));
        const rows: ChunkRow[] = parts.map((c) => ({
          id: `ch_${crypto.randomUUID().replaceAll('-', '')}`,
          documentId: saved.id,
          siteId: doc.siteId,
          kind: c.kind,
          ord: c.ord,
          title: c.title,
          url: c.url,
          content: c.content,
          tokens: c.tokens,
        }));
        for (const batch of batches(rows)) await tx.insert(chunks).values(batch);
        return rows;
      }).finally(() => changed(doc.siteId));
    },
    async delete(ids) {
      if (ids.length === 0) return;
      await db.delete(documents).where(inArray(documents.id, ids)).finally(() => changed());
    },
    async page(siteId, limit, after) {
      const mine = eq(documents.siteId, siteId);
      // By source, then id: a stable order (re-ingesting a document keeps its place), so a page
      // boundary neither skips nor repeats one while documents change.
      const where = after ? and(mine, sql`(${documents.source}, ${documents.id}) > (${String(after.key)}, ${after.id})`) : mine;
      const rows = await db
        .select({
          ...documentColumns,
          updatedAt: documents.updatedAt,
          // Qualified by hand: drizzle leaves a one-table select's columns bare, and c has an id too.
          chunks: sql<number>`(select count(*) from ${chunks} c where c.document_id = ${documents}.id)::int`,
        })
        .from(documents)
        .where(where)
        .orderBy(asc(documents.source), asc(documents.id))
        .limit(limit);
      return rows.map((r) => ({ ...r, chunks: Number(r.chunks) }));
    },
    async byId(siteId, id) {
      const [row] = await db
        .select(documentColumns)
        .from(documents)
        .where(and(eq(documents.siteId, siteId), eq(documents.id, id)))
        .limit(1);
      return row ?? null;
    },
    async mostCited(siteId, kind, limit) {
      // A citation keeps its source's title and url, not the document's id: the title names it
      // (a FAQ entry's title is its question; many entries share one url).
      const rows = rowsOf<{ title: string; cited: number | string }>(
        await db.execute(sql`select d.title, count(distinct a.id)::int as cited
          from ${documents} d
          left join (
            select m.id, c->>'title' as title
            from ${messages} m
            join ${conversations} v on v.id = m.conversation_id
            cross join lateral jsonb_array_elements(m.citations) c
            where v.site_id = ${siteId} and m.role = 'assistant'
          ) a on a.title = d.title
          where d.site_id = ${siteId} and d.kind = ${kind}
          group by d.id, d.title, d.created_at, d.source
          order by cited desc, d.created_at, d.source
          limit ${limit}`),
      );
      return rows.map((r) => ({ title: r.title, cited: Number(r.cited) }));
    },
    async count(siteId) {
      const [row] = await db
        .select({ n: count() })
        .from(documents)
        .where(siteId === undefined ? undefined : eq(documents.siteId, siteId));
      return row.n;
    },
  };
}

export function chunksRepo(db: Orm, text: ReturnType<typeof textSearcher>): Db['chunks'] {
  return {
    async get(ids) {
      if (ids.length === 0) return [];
      // Every question fetches its candidates: one array parameter and the query written out
      // (drizzle's IN list and query builder cost more than the look-up itself here).
      const rows = rowsOf<ChunkRow>(
        await db.execute(sql`select id, document_id as "documentId", site_id as "siteId", kind, ord, title, url, content, tokens
          from chunks where id = any(${sql.param(ids)}::text[])`),
      );
      // In the order asked: callers pass ids already ranked.
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    async ofDocument(documentId) {
      return db.select(chunkColumns).from(chunks).where(eq(chunks.documentId, documentId)).orderBy(asc(chunks.ord));
    },
    textSearch: (siteId, query, k) => text.search(siteId, query, k),
    spell: (siteId, query) => text.spell(siteId, query),
    async count(siteId) {
      const [row] = await db
        .select({ n: count() })
        .from(chunks)
        .where(siteId === undefined ? undefined : eq(chunks.siteId, siteId));
      return row.n;
    },
  };
}
