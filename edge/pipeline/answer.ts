import type { Citation, Intent } from '../../sdk/protocol';
import type { Deps } from '../core/deps';
import type { AnswerPart, AnswerTools, Source } from '../core/ports';
import { withLiveProductFacts } from '../products/catalog';
import { findOrderClues, lookUpOrder } from '../products/orders';
import { textParts } from '../core/stream';
import { confidence as scoreConfidence, LOW_CONFIDENCE } from './confidence';
import { buildContext } from './context';
import { preprocess } from './preprocess';
import { retrieve, type RetrieveReport } from './retrieve';

/** Everything the conversation layer needs to stream and then close one answer. */
export interface PreparedAnswer {
  intent: Intent;
  normalized: string;
  sources: Source[];
  confidence: number;
  /** A person is suggested (low confidence) or asked for (intent `human`). */
  handoff: boolean;
  /** The visitor asked for a person: the conversation layer opens a ticket. */
  wantsPerson: boolean;
  text: AsyncIterable<AnswerPart>;
  /** Where the answer may be reused for the same normalised question (not live data). */
  cacheKey: string | null;
  timings: Record<string, number>;
  /** The query embedding's billed tokens, when a metered embedder ran. */
  embedding?: { model: string; tokens: number };
}

export interface CachedAnswer {
  intent: Intent;
  text: string;
  sources: Source[];
  confidence: number;
  handoff: boolean;
}

export interface Question {
  siteId: string;
  text: string;
  locale?: string;
  /** The visitor's earlier messages, newest first: follow-ups such as an email alone need them. */
  earlier?: string[];
}

const CACHE_VERSION = 'v1';

/**
 * The pipeline up to the answer stream: preprocess → intent → (cache) → retrieve → rerank →
 * context → confidence, then the LLM (or a direct reply for live data such as orders).
 */
export async function prepareAnswer(deps: Deps, q: Question, signal?: AbortSignal): Promise<PreparedAnswer> {
  const timings: Record<string, number> = {};
  const t = (name: string, since: number) => (timings[name] = deps.clock.now() - since);
  let start = deps.clock.now();
  const { text, normalized } = preprocess(q.text, deps.settings.maxQuestionChars);
  t('preprocess', start);

  start = deps.clock.now();
  const classified = deps.intents.classify(text);
  const clues = findOrderClues([text, ...(q.earlier ?? [])]);
  const currentHasClue = findOrderClues([text]);
  // A bare email or order number right after an order question continues that question.
  const intent: Intent =
    classified.intent === 'order_status' || (classified.intent === 'other' && (currentHasClue.email || currentHasClue.number))
      ? 'order_status'
      : classified.intent;
  t('intent', start);

  const base = { intent, normalized, timings, cacheKey: null as string | null };
  if (intent === 'greeting' || intent === 'human') {
    return { ...base, sources: [], confidence: 1, handoff: intent === 'human', wantsPerson: intent === 'human', text: deps.llm.stream({ question: text, intent, sources: [], locale: q.locale }, signal) };
  }
  if (intent === 'order_status' && (clues.number || clues.email || classified.intent === 'order_status')) {
    start = deps.clock.now();
    const found = await lookUpOrder(deps.db, q.siteId, clues);
    t('orders', start);
    return {
      ...base,
      sources: found.kind === 'found' ? [found.source] : [],
      confidence: found.kind === 'found' ? 0.95 : 0.8,
      handoff: false,
      wantsPerson: false,
      text: textParts(found.text, signal),
    };
  }

  const cacheKey = `answer:${CACHE_VERSION}:${q.siteId}:${deps.embedder.model}:${normalized}`;
  if (deps.settings.cacheTtlSeconds > 0) {
    const cached = await deps.sessions.cacheGet<CachedAnswer>(cacheKey);
    if (cached) {
      timings.cache = 0;
      return { ...base, ...cached, intent, wantsPerson: false, text: textParts(cached.text, signal) };
    }
  }

  start = deps.clock.now();
  const report: RetrieveReport = {};
  const candidates = await retrieve(deps, q.siteId, text, deps.settings.topK, report);
  t('retrieve', start);

  start = deps.clock.now();
  const reranked = await deps.reranker.rerank(
    text,
    candidates.map((c) => ({ id: c.chunk.id, title: c.chunk.title, text: c.chunk.content, ...(c.vectorScore !== null ? { vector: c.vectorScore } : {}) })),
    deps.settings.rerankTopN,
  );
  t('rerank', start);

  start = deps.clock.now();
  const byId = new Map(candidates.map((c) => [c.chunk.id, c]));
  const ranked = reranked.flatMap((r) => {
    const c = byId.get(r.id);
    return c ? [{ chunk: c.chunk, score: r.score, inBoth: c.vectorScore !== null && c.textRank !== null }] : [];
  });
  const sources = await withLiveProductFacts(deps.db, q.siteId, buildContext(ranked, deps.settings.maxContextTokens));
  const conf = scoreConfidence({
    rerankScores: ranked.map((r) => r.score),
    vectorTop: candidates.reduce((m, c) => Math.max(m, c.vectorScore ?? 0), 0),
    inBoth: ranked.slice(0, sources.length).filter((r) => r.inBoth).length,
    sources: sources.length,
  });
  t('context', start);

  // Below the bar the answerer gets no sources, so it says it does not know instead of guessing.
  const usable = conf >= LOW_CONFIDENCE ? sources : [];
  return {
    ...base,
    ...(report.embedding ? { embedding: report.embedding } : {}),
    // Live stock and prices must not be served from the cache, nor an answer found without the vector side.
    cacheKey: deps.settings.cacheTtlSeconds > 0 && !usable.some((s) => s.kind === 'product') && !report.vectorSkipped ? cacheKey : null,
    sources: usable,
    confidence: conf,
    handoff: conf < LOW_CONFIDENCE,
    wantsPerson: false,
    text: deps.llm.stream({ question: text, intent, sources: usable, locale: q.locale, tools: liveData(deps, q.siteId) }, signal),
  };
}

/** The shop's live data for models that call tools, scoped to the site. */
function liveData(deps: Deps, siteId: string): AnswerTools {
  return {
    searchProducts: (query, limit) => deps.db.products.search(siteId, query, Math.min(limit, 10)),
    findOrder: (number, email) => deps.db.orders.find(siteId, number, email),
  };
}

/** The sources an answer actually cites as [n], as citations, in the order first cited. */
export function citationsFor(text: string, sources: Source[]): Citation[] {
  const byN = new Map(sources.map((s) => [s.n, s]));
  const seen = new Set<number>();
  const out: Citation[] = [];
  for (const m of text.matchAll(/\[(\d{1,2})\]/g)) {
    const n = Number(m[1]);
    const s = byN.get(n);
    if (!s || seen.has(n)) continue;
    seen.add(n);
    out.push({ n, title: s.title, ...(s.url ? { url: s.url } : {}), snippet: snippet(s.text) });
  }
  return out;
}

function snippet(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  return cut.slice(0, Math.max(cut.lastIndexOf(' '), max - 20)) + '…';
}
