import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ChunkRow, Db, DocKind, DocumentRow } from '../../../core/ports';
import { BoundedMap } from '../../../core/bounded-map';
import { chunkIdsFor } from '../../../core/content-ids';
import { chunks, conversations, documents, ingestedFiles, messages } from '../schema';
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

/** A json value as the driver gives it: parsed (PGlite, node-postgres, Neon) or, should one not parse it, text. */
function jsonValue<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : (value ?? [])) as T;
}

/** Chunks per insert: the arrays of a statement stay a few MB. */
const CHUNK_INSERT_BATCH = 2000;

/** One column of rows as a single array parameter, for `unnest`. */
function column<T>(rows: T[], value: (row: T) => string | number | null) {
  return sql.param(rows.map(value));
}

function newChunk(id: string, documentId: string, siteId: string, c: Omit<ChunkRow, 'id' | 'documentId' | 'siteId'>): ChunkRow {
  return {
    id,
    documentId,
    siteId,
    kind: c.kind,
    ord: c.ord,
    title: c.title,
    url: c.url,
    content: c.content,
    tokens: c.tokens,
  };
}

const siteSource = (siteId: string, source: string) => `${siteId}\u0000${source}`;

/** Consecutive runs in which no (site, source) repeats: one multi-row upsert may not touch a row twice. */
function distinctRuns<T extends { doc: DocumentRow }>(entries: T[]): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let seen = new Set<string>();
  for (const e of entries) {
    const key = siteSource(e.doc.siteId, e.doc.source);
    if (seen.has(key)) {
      runs.push(run);
      run = [];
      seen = new Set();
    }
    seen.add(key);
    run.push(e);
  }
  runs.push(run);
  return runs;
}

/** `changed(siteId)` hears of every write to a site's chunks; `changed()` of writes to unknown sites. */
export function documentsRepo(db: Orm, changed: (siteId?: string) => void = () => {}): Db['documents'] {
  const replaceMany: Db['documents']['replaceMany'] = async (entries) => {
    if (entries.length === 0) return [];
    const sites = new Set(entries.map((e) => e.doc.siteId));
    return db
      .transaction(async (tx) => {
        const out: { documentId: string; chunks: ChunkRow[] }[] = [];
        // A source twice in one call (never from one ingest) is written in turn: the later one wins.
        // Each statement takes one array per column (unnest): a handful of parameters however many
        // rows, where building a 1,000-row VALUES list cost as much as Postgres' work on it.
        // New documents keep the order given (a FAQ file's: mostCited breaks ties by it), a
        // microsecond apart: one transaction's now() is the same for all of them.
        let order = 0;
        for (const run of distinctRuns(entries)) {
          const docs = run.map((e) => e.doc);
          const saved = new Map<string, string>();
          const rows = rowsOf<{ id: string; site_id: string; source: string }>(
            await tx.execute(sql`insert into ${documents} (id, site_id, source, kind, title, url, hash, created_at)
              select id, site_id, source, kind, title, url, hash, now() + (${order} + n) * interval '1 microsecond'
              from unnest(${column(docs, (d) => d.id)}::text[], ${column(docs, (d) => d.siteId)}::text[],
                ${column(docs, (d) => d.source)}::text[], ${column(docs, (d) => d.kind)}::text[], ${column(docs, (d) => d.title)}::text[],
                ${column(docs, (d) => d.url)}::text[], ${column(docs, (d) => d.hash)}::text[])
                with ordinality as u(id, site_id, source, kind, title, url, hash, n)
              on conflict (site_id, source) do update
                set kind = excluded.kind, title = excluded.title, url = excluded.url, hash = excluded.hash, updated_at = now()
              returning id, site_id, source`),
          );
          for (const r of rows) saved.set(siteSource(r.site_id, r.source), r.id);
          const ids = run.map((e) => saved.get(siteSource(e.doc.siteId, e.doc.source))!);
          // Old chunks go, and with them (by cascade) whatever vectors pointed at them.
          await tx.execute(sql`delete from ${chunks} where document_id = any(${sql.param(ids)}::text[])`);
          const chunkIds = await Promise.all(run.map((e, i) => chunkIdsFor(ids[i], e.doc.hash, e.chunks)));
          const written = run.map((e, i) => e.chunks.map((c) => newChunk(chunkIds[i](c.ord), ids[i], e.doc.siteId, c)));
          for (const batch of batches(written.flat(), CHUNK_INSERT_BATCH)) {
            await tx.execute(sql`insert into ${chunks} (id, document_id, site_id, kind, ord, title, url, content, tokens)
              select * from unnest(${column(batch, (c) => c.id)}::text[], ${column(batch, (c) => c.documentId)}::text[],
                ${column(batch, (c) => c.siteId)}::text[], ${column(batch, (c) => c.kind)}::text[], ${column(batch, (c) => c.ord)}::int[],
                ${column(batch, (c) => c.title)}::text[], ${column(batch, (c) => c.url)}::text[], ${column(batch, (c) => c.content)}::text[],
                ${column(batch, (c) => c.tokens)}::int[])`);
          }
          out.push(...written.map((rows, i) => ({ documentId: ids[i], chunks: rows })));
          order += run.length;
        }
        return out;
      })
      .finally(() => {
        for (const siteId of sites) changed(siteId);
      });
  };

  return {
    async list(siteId) {
      // One JSON value rather than a row per document: the embedded database decodes each field
      // of each row in JavaScript, which cost 2-3× the query (an ingest lists every document).
      const [row] = rowsOf<{ docs: unknown }>(
        await db.execute(sql`select coalesce(json_agg(json_build_array(id, source, kind, title, url, hash) order by source), '[]') as docs
          from ${documents} where site_id = ${siteId}`),
      );
      return jsonValue<[string, string, DocKind, string, string | null, string][]>(row?.docs).map(([id, source, kind, title, url, hash]) => ({
        id,
        siteId,
        source,
        kind,
        title,
        url,
        hash,
      }));
    },
    async get(siteId, source) {
      const [row] = await db
        .select(documentColumns)
        .from(documents)
        .where(and(eq(documents.siteId, siteId), eq(documents.source, source)))
        .limit(1);
      return row ?? null;
    },
    // One document is a round of one: the same statements, the same transaction.
    replace: async (doc, parts) => (await replaceMany([{ doc, chunks: parts }]))[0].chunks,
    replaceMany,
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

export function ingestedFilesRepo(db: Orm): Db['ingestedFiles'] {
  return {
    async list(siteId) {
      // One JSON value, as documents.list.
      const [row] = rowsOf<{ files: unknown }>(
        await db.execute(sql`select coalesce(json_agg(json_build_array(source, hash, stat, documents)), '[]') as files
          from ${ingestedFiles} where site_id = ${siteId}`),
      );
      return jsonValue<[string, string, string | null, string][]>(row?.files).map(([source, hash, stat, documents]) => ({ source, hash, stat, documents }));
    },
    async save(siteId, rows) {
      // A source twice keeps the last (one upsert may not touch a row twice).
      const last = [...new Map(rows.map((r) => [r.source, r])).values()];
      if (last.length === 0) return;
      await db.execute(sql`insert into ${ingestedFiles} (site_id, source, hash, stat, documents)
        select ${siteId}::text, * from unnest(${column(last, (r) => r.source)}::text[], ${column(last, (r) => r.hash)}::text[],
          ${column(last, (r) => r.stat)}::text[], ${column(last, (r) => r.documents)}::text[])
        on conflict (site_id, source) do update
          set hash = excluded.hash, stat = excluded.stat, documents = excluded.documents, updated_at = now()`);
    },
    async delete(siteId, sources) {
      if (sources.length === 0) return;
      await db.execute(sql`delete from ${ingestedFiles} where site_id = ${siteId} and source = any(${sql.param(sources)}::text[])`);
    },
  };
}

/** Chunk rows kept in memory: well above a help centre's often-cited set, a few MB at most. */
const KNOWN_CHUNKS = 4096;

/**
 * Chunk rows by id, remembered. A chunk is never changed under its id (new content is a new
 * chunk with a new id), so a remembered row is the stored row for as long as it exists; every
 * question fetches its candidates, and the same few chunks answer most of them. A deleted
 * chunk is only asked for by an index that has not caught up yet: the embedded database's
 * memory indexes (this process's own; forgotten on every write to a site's documents), or
 * Qdrant in the moment between a document's rows going and its points going, when one answer
 * may still quote what the document said a moment before.
 */
export type KnownChunks = BoundedMap<string, ChunkRow>;
export const knownChunks = (): KnownChunks => new BoundedMap(KNOWN_CHUNKS);

export function chunksRepo(db: Orm, text: ReturnType<typeof textSearcher>, known = knownChunks()): Db['chunks'] {
  return {
    async get(ids) {
      const found = new Map<string, ChunkRow>();
      for (const id of ids) {
        const row = known.get(id);
        if (row) found.set(id, row);
      }
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length > 0) {
        // One array parameter and the query written out (drizzle's IN list and query builder
        // cost more than the look-up itself here).
        const rows = rowsOf<ChunkRow>(
          await db.execute(sql`select id, document_id as "documentId", site_id as "siteId", kind, ord, title, url, content, tokens
            from chunks where id = any(${sql.param(missing)}::text[])`),
        );
        for (const row of rows) {
          found.set(row.id, row);
          known.set(row.id, row);
        }
      }
      // In the order asked: callers pass ids already ranked. A chunk not found is left out.
      return ids.flatMap((id) => found.get(id) ?? []);
    },
    async ofDocument(documentId) {
      return db.select(chunkColumns).from(chunks).where(eq(chunks.documentId, documentId)).orderBy(asc(chunks.ord));
    },
    textSearch: (siteId, query, k) => text.search(siteId, query, k),
    warm: (siteId) => text.warm(siteId),
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
