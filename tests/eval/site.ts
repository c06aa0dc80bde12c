/**
 * A throwaway site holding an eval corpus, built as the Node server builds itself
 * (buildNodeDeps over in-memory embedded stores) and filled through the product's own ingest:
 * the corpus is written as a FAQ file, one row per document (question = title, answer = text,
 * url = a link carrying the corpus id, so a citation maps back to its document).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from '../../edge/app';
import { loadConfig } from '../../edge/config/load';
import type { Deps } from '../../edge/core/deps';
import type { Logger } from '../../edge/core/ports';
import { buildNodeDeps } from '../../edge/runtime/node/deps';
import { ingest } from '../../edge/ingest/run';
import type { CorpusDoc } from './beir';
import { NO_LIMITS } from '../helpers/limits';

export const EVAL_SITE = 'eval';
export const EVAL_ORIGIN = 'https://eval.invalid';
const URL_PREFIX = `${EVAL_ORIGIN}/doc/`;

/** Settings that would send an eval into shared servers: never taken from the environment. */
const SHARED_STORES = ['POSTGRES_URL', 'QDRANT_URL', 'QDRANT_API_KEY', 'REDIS_URL', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN', 'SENTRY_DSN'];

export interface EvalSite {
  deps: Deps;
  app: Hono;
  /** The embedder's model (and EMBEDDING_MODEL when that named it otherwise, e.g. `auto`). */
  embedder: string;
  /** Corpus id of a stored chunk's document (from its url), or null when it is not a corpus document. */
  corpusIdOf(chunk: { url: string | null; title: string }): string | null;
  corpusIdOfCitation(c: { url?: string; title: string }): string | null;
  /**
   * Runs fn and returns the corpus ids of every chunk the product loaded from the database
   * meanwhile: retrieval fetches its candidates' rows (db.chunks.get), so this is what the
   * pipeline retrieved for the request, however many searches it ran. It fails safe: were
   * retrieval to load rows another way, every citation would count as not retrieved. Calls
   * must not overlap.
   */
  track<T>(fn: () => Promise<T>): Promise<{ result: T; loaded: Set<string> }>;
  /** The vector the product computed for this query text in the last tracked request, if it did. */
  queryVector(text: string): Float32Array | undefined;
  ingestMs: number;
  chunks: number;
  /** Errors the product logged while the eval ran (e.g. vector search switched off). */
  problems: string[];
  close(): Promise<void>;
}

export interface EvalSiteOptions {
  /** The environment the product's config is read from (shared stores are dropped). */
  env: Record<string, string | undefined>;
  /** EMBEDDING_MODEL; the product's default when absent. */
  embedder?: string;
  onProgress?: (done: number, total: number) => void;
}

export async function openEvalSite(corpus: CorpusDoc[], opts: EvalSiteOptions): Promise<EvalSite> {
  const env: Record<string, string | undefined> = { ...opts.env };
  for (const k of SHARED_STORES) delete env[k];
  if (opts.embedder) env.EMBEDDING_MODEL = opts.embedder;
  // One session per question, so the per-conversation limit never bites; every question runs
  // the whole pipeline (a cached answer would skip retrieval and hide its latency).
  Object.assign(env, NO_LIMITS);
  env.RAG_CACHE_TTL = '0';
  const config = loadConfig(env);

  const problems: string[] = [];
  const note = (msg: string, fields?: Record<string, unknown>) => {
    const line = fields && 'error' in fields ? `${msg}: ${String(fields.error)}` : msg;
    if (!problems.includes(line)) problems.push(line);
  };
  const log: Logger = { debug() {}, info() {}, warn: note, error: note };
  const built = await buildNodeDeps(config, log, { inMemory: true });
  const dir = mkdtempSync(join(tmpdir(), 'support-chat-eval-'));
  try {
    const { deps } = built;
    await deps.db.sites.upsert({ id: EVAL_SITE, name: 'eval', allowedOrigins: [EVAL_ORIGIN] });
    const byUrl = new Map<string, string>();
    const byTitle = new Map<string, string[]>();
    const rows = corpus.map((d) => {
      const url = URL_PREFIX + encodeURIComponent(d.id);
      byUrl.set(url, d.id);
      const question = (d.title.trim() || firstWords(d.text)).replace(/\s+/g, ' ');
      byTitle.set(question, [...(byTitle.get(question) ?? []), d.id]);
      return { question, answer: d.text, url };
    });
    writeFileSync(join(dir, 'corpus.json'), JSON.stringify(rows));
    const summary = await ingest(
      { db: deps.db, vectors: deps.vectors, embedder: deps.embedder, log },
      {
        siteId: EVAL_SITE,
        paths: [join(dir, 'corpus.json')],
        baseDir: dir,
        onProgress: (e) => (e.type === 'embed' ? opts.onProgress?.(e.done, e.total) : undefined),
      },
    );
    if (summary.failed.length) throw new Error(`ingest failed: ${summary.failed.map((f) => `${f.file}: ${f.error}`).join('; ')}`);

    const fromUrl = (url: string | null | undefined) => (url ? (byUrl.get(url) ?? null) : null);
    // Titles are shared by every answer of a thread: only a title naming one document maps back.
    const fromTitle = (title: string) => {
      const ids = byTitle.get(title.replace(/\s+/g, ' ').trim());
      return ids?.length === 1 ? ids[0] : null;
    };
    let loaded: Set<string> | null = null;
    const chunks = deps.db.chunks;
    const get = chunks.get.bind(chunks);
    chunks.get = async (ids) => {
      const rows = await get(ids);
      for (const r of rows) loaded?.add(fromUrl(r.url) ?? fromTitle(r.title) ?? `?${r.id}`);
      return rows;
    };
    // Query vectors the pipeline computes are kept (never served back to it), so the eval's own
    // ranking of the same question need not embed it a second time.
    const vectors = new Map<string, Float32Array>();
    const embedder = deps.embedder;
    const embed = embedder.embed.bind(embedder);
    embedder.embed = async (texts, purpose) => {
      const out = await embed(texts, purpose);
      if (purpose === 'query' && loaded) texts.forEach((t, i) => vectors.set(t, out[i]));
      return out;
    };
    const { app } = createApp(deps);
    return {
      deps,
      app,
      embedder: deps.embedder.model === config.EMBEDDING_MODEL ? config.EMBEDDING_MODEL : `${deps.embedder.model} (EMBEDDING_MODEL=${config.EMBEDDING_MODEL})`,
      corpusIdOf: (chunk) => fromUrl(chunk.url) ?? fromTitle(chunk.title),
      corpusIdOfCitation: (c) => fromUrl(c.url) ?? fromTitle(c.title),
      track: async (fn) => {
        if (loaded) throw new Error('track() calls must not overlap');
        const mine = (loaded = new Set<string>());
        vectors.clear();
        try {
          return { result: await fn(), loaded: mine };
        } finally {
          loaded = null;
        }
      },
      queryVector: (text) => vectors.get(text),
      ingestMs: summary.ms,
      chunks: summary.chunks,
      problems,
      close: async () => {
        rmSync(dir, { recursive: true, force: true });
        await built.close();
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    await built.close();
    throw err;
  }
}

function firstWords(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= 120 ? flat : flat.slice(0, 120).replace(/\s\S*$/, '') + '…';
}
