import { sql } from 'drizzle-orm';
import type { TextHit } from '../../../core/ports';
import { rowsOf, type Orm } from './orm';
import { correct, type Vocabulary } from '../../../text/typos';
import { buildTextIndex, rankOr, WeightedVectorError, type SiteTextIndex } from './text-index';

/** Upper bound on text hits per query, whatever the caller asks. */
const MAX_TEXT_HITS = 200;
/**
 * Rows Postgres may rank per query. Ranking costs a few µs per matching row, so a word found
 * in most chunks ("order" in a shop's help centre) would make every query scan thousands;
 * such words carry almost no weight in the ranking anyway (their IDF is near zero).
 */
const RANK_BUDGET = 1000;
/** Words whose lexemes are remembered per process (a few MB at most). */
const LEXEME_MEMO_LIMIT = 50_000;
/**
 * A word of letters and digits (and apostrophes), with sentence punctuation around it: the
 * parser reads it alone. Checked against Postgres on 3,500 questions (CLINC150, the demo set,
 * the bench's) with no difference; hyphens, dots inside, slashes and @ go to Postgres whole.
 */
const PLAIN_WORD = /^[¿¡"(]*[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*[.,;:!?")]*$/u;
/** Document frequencies are refreshed at least this often, for writes from other processes. */
const STATS_TTL_MS = 60_000;

interface SiteStats extends Vocabulary {
  at: number;
}

/**
 * Postgres full text with OR semantics, pruned by document frequency: the rarest of the
 * question's words are kept while the rows they match fit the ranking budget.
 */
export function textSearcher(db: Orm, opts: { inMemory?: boolean; now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const stats = new Map<string, Promise<SiteStats>>();
  /** The embedded database's sites, indexed in memory (text-index.ts); built on first use. */
  const indexes = new Map<string, Promise<SiteTextIndex | null>>();

  function indexFor(siteId: string): Promise<SiteTextIndex | null> {
    let index = indexes.get(siteId);
    if (!index) {
      index = db
        .execute(sql`select id, search::text as search from chunks where site_id = ${siteId} order by id`)
        .then((res) => {
          try {
            return buildTextIndex(rowsOf<{ id: string; search: string }>(res));
          } catch (err) {
            // Weighted vectors rank differently: that site stays on SQL.
            if (err instanceof WeightedVectorError) return null;
            throw err;
          }
        });
      indexes.set(siteId, index);
      index.catch(() => indexes.get(siteId) === index && indexes.delete(siteId));
    }
    return index;
  }
  /**
   * Chunks were written since the planner's statistics were taken. Embedded Postgres never
   * runs autovacuum: with stale statistics the planner filters every row of the site instead
   * of using the GIN index, and the index's pending list is never merged (17–24 ms a query
   * instead of ~1 ms at 10k chunks).
   */
  let written = true;

  async function statsFor(siteId: string): Promise<SiteStats> {
    if (opts.inMemory) {
      const index = await indexFor(siteId);
      if (index) return { at: now(), df: index.df };
    }
    const cached = stats.get(siteId);
    if (cached) {
      return cached.then((s) => (now() - s.at < STATS_TTL_MS ? s : refresh(siteId)));
    }
    return refresh(siteId);
  }

  function refresh(siteId: string): Promise<SiteStats> {
    // Merging GIN's pending list is what VACUUM would do; without it each query reads the list.
    const analyze = written
      ? db.execute(sql`select gin_clean_pending_list('chunks_search_idx'::regclass)`).then(() => db.execute(sql`analyze chunks`))
      : Promise.resolve();
    written = false;
    const p = analyze
      .then(() => db.execute(sql`select word, ndoc from ts_stat(format('select search from chunks where site_id = %L', ${siteId}::text))`))
      .then((res) => ({ at: now(), df: new Map(rowsOf<{ word: string; ndoc: number }>(res).map((r) => [r.word, Number(r.ndoc)])) }));
    stats.set(siteId, p);
    p.catch(() => stats.delete(siteId));
    return p;
  }

  /**
   * Each word's lexemes as Postgres' English configuration makes them ('' for a stop word),
   * remembered: visitors use the same few thousand words, and a round trip per question for
   * what never changes was a tenth of the pipeline's time.
   */
  const lexemeMemo = new Map<string, string>();
  async function lexemesOf(words: string[]): Promise<Map<string, string>> {
    const missing = words.filter((w) => !lexemeMemo.has(w));
    if (missing.length > 0) {
      const res = await db.execute(
        sql`select w, array_to_string(tsvector_to_array(to_tsvector('english', w)), ' ') as lexeme from json_array_elements_text(${JSON.stringify(missing)}::json) as w`,
      );
      if (lexemeMemo.size + missing.length > LEXEME_MEMO_LIMIT) lexemeMemo.clear();
      for (const { w, lexeme } of rowsOf<{ w: string; lexeme: string }>(res)) lexemeMemo.set(w, lexeme ?? '');
    }
    return new Map(words.map((w) => [w, lexemeMemo.get(w) ?? '']));
  }

  /**
   * The question's lexemes (stemmed, no stop words), sorted as a tsvector sorts them. A
   * question of plain words is read word by word through the memo; anything the parser might
   * read as one token across punctuation (JP-STV-01, emails, hosts, "e-mail") asks Postgres whole.
   */
  async function queryLexemes(query: string): Promise<string[]> {
    const tokens = query.split(/\s+/u).filter(Boolean);
    if (tokens.length > 0 && tokens.length <= 64 && tokens.every((t) => PLAIN_WORD.test(t))) {
      // An apostrophe parts words for the parser too ("don't" is "don" and "t").
      const plain = tokens.flatMap((t) => t.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
      const lexemes = await lexemesOf([...new Set(plain)]);
      return [...new Set([...lexemes.values()].flatMap((l) => (l ? l.split(' ') : [])))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    const res = await db.execute(sql`select unnest(tsvector_to_array(to_tsvector('english', ${query}))) as lexeme`);
    return rowsOf<{ lexeme: string }>(res).map((r) => r.lexeme);
  }

  return {
    /** The question's lexemes, as full text searches for them (exposed for tests). */
    lexemes: queryLexemes,

    /**
     * The embedded database's in-memory index for the site, now. A server database's statistics
     * are left to the first question: at start they would cost an ANALYZE and a scan per site.
     */
    async warm(siteId: string): Promise<void> {
      if (opts.inMemory) await statsFor(siteId);
    },

    /** Writes to a site's chunks make its frequencies stale. */
    invalidate(siteId?: string) {
      written = true;
      if (siteId === undefined) {
        stats.clear();
        indexes.clear();
      } else {
        stats.delete(siteId);
        indexes.delete(siteId);
      }
    },

    /**
     * The question with each word the site never uses replaced by the nearest word of its
     * vocabulary ("retrun a jaket" → "return a jacket"), so the embedding and the reranker read
     * what the visitor meant, not only full text. Words with digits (codes, order numbers) stay.
     */
    async spell(siteId: string, text: string): Promise<string> {
      const surface = [...new Set(text.match(/[\p{L}][\p{L}\p{M}'’]{3,}/gu) ?? [])];
      if (surface.length === 0) return text;
      const [lexemes, site] = await Promise.all([lexemesOf(surface), statsFor(siteId)]);
      const fixes = new Map<string, string>();
      for (const w of surface) {
        const lexeme = lexemes.get(w);
        // Stop words have no lexeme; a word of two lexemes ("e-mail") is left as written.
        if (!lexeme || lexeme.includes(' ') || (site.df.get(lexeme) ?? 0) > 0) continue;
        const fixed = correct(lexeme, site);
        if (fixed && fixed !== lexeme) fixes.set(w, fixed);
      }
      if (fixes.size === 0) return text;
      return text.replace(/[\p{L}][\p{L}\p{M}'’]{3,}/gu, (w) => fixes.get(w) ?? w);
    },

    async search(siteId: string, query: string, k: number): Promise<TextHit[]> {
      const limit = Math.min(Math.max(Math.floor(k), 0), MAX_TEXT_HITS);
      if (limit === 0 || !/[\p{L}\p{N}]/u.test(query)) return [];
      const [lexemes, site] = await Promise.all([queryLexemes(query), statsFor(siteId)]);
      const kept = keepRarest(spellChecked(lexemes, site), site.df, RANK_BUDGET);
      if (kept.length === 0) return [];
      const index = opts.inMemory ? await indexFor(siteId) : null;
      if (index) return rankOr(index, kept, limit);
      const q = kept.map(quoteLexeme).join(' | ');
      // Written out rather than built: this runs on every question, and the query builder cost
      // as much as the ranking on the embedded database.
      const rows = rowsOf<{ chunkId: string; score: number }>(
        await db.execute(sql`select id as "chunkId", ts_rank(search, ${q}::tsquery)::float8 as score from chunks
          where site_id = ${siteId} and search @@ ${q}::tsquery order by score desc, id asc limit ${limit}`),
      );
      return rows.map((r) => ({ chunkId: r.chunkId, score: Number(r.score) }));
    },
  };
}

/**
 * A lexeme the site has never used is most likely misspelt ("retrun"): it is replaced by the
 * nearest word of the site's vocabulary, when one is within reach. Known lexemes stay as they are.
 */
export function spellChecked(lexemes: string[], vocab: Vocabulary): string[] {
  const out: string[] = [];
  for (const l of lexemes) {
    const fixed = (vocab.df.get(l) ?? 0) > 0 ? l : (correct(l, vocab) ?? l);
    if (!out.includes(fixed)) out.push(fixed);
  }
  return out;
}

/** Rarest first, while the rows they match fit the budget; always at least the rarest one. */
export function keepRarest(lexemes: string[], df: Map<string, number>, budget: number): string[] {
  const known = lexemes.filter((l) => (df.get(l) ?? 0) > 0).sort((a, b) => df.get(a)! - df.get(b)!);
  const kept: string[] = [];
  let rows = 0;
  for (const l of known) {
    const n = df.get(l)!;
    if (kept.length > 0 && rows + n > budget) break;
    kept.push(l);
    rows += n;
  }
  return kept;
}

function quoteLexeme(l: string): string {
  return `'${l.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
