/**
 * The pipeline up to the answer stream, stage by stage in the order they run:
 *   preprocess → intent → route (greeting, person, order, a price order: answered directly) →
 *   follow-up (searched with the questions before it) → answer cache → spell → retrieve → rerank →
 *   context (with live product facts) → confidence → answerer.
 * What happens as the answer streams and when it ends is `closing.ts` (with the output guard
 * of `guard/`, which keeps links to the sources and `linkHosts`).
 */
import type { Deps } from '../core/deps';
import { LOCAL_INTENT_MODEL } from '../core/ports';
import { textParts } from '../core/stream';
import { recentSite } from '../core/sites/recent';
import { contentLanguage, detectLanguage } from '../language';
import { findOrderClues } from '../products/orders';
import { answerCacheKey, answerGeneration, cachedAnswer } from './cache';
import { inSpan } from '../core/tracing';
import { confidence as scoreConfidence, LOW_CONFIDENCE } from './confidence';
import { answererFor } from './budget';
import { buildContext } from './context';
import { liveTools, withLiveFacts } from './live-data';
import { followUpOf } from './follow-up';
import { answerOrder } from './orders';
import { answerPriceRanking } from './price-ranking';
import { preprocess } from './preprocess';
import { QueryVector } from './query-vector';
import type { PreparedAnswer } from './prepared';
import type { Question } from './question';
import { rerank } from './rerank';
import { retrieve, type RetrieveReport } from './retrieve';
import { route } from './route';
import { classifyFor } from '../intents/classify';

export type { CachedAnswer } from './cache';
export { AnswerClosing, type ClosedAnswer } from './closing';
export { questionIn, TURN_HISTORY, type Question } from './question';
export type { PreparedAnswer } from './prepared';

export async function prepareAnswer(deps: Deps, q: Question, signal?: AbortSignal): Promise<PreparedAnswer> {
  // Where the answer may link (the site's own origins) is read while the answer is prepared.
  const [prepared, linkHosts] = await Promise.all([prepare(deps, q, signal), siteHosts(deps, q.siteId)]);
  return { ...prepared, linkHosts };
}

/** The hosts of the site's allowed origins; none when the site cannot be read (links then stay to the sources'). */
async function siteHosts(deps: Pick<Deps, 'db' | 'clock'>, siteId: string): Promise<string[]> {
  const site = await recentSite(deps, siteId);
  return (site?.allowedOrigins ?? []).filter((o) => o !== '*');
}

async function prepare(deps: Deps, q: Question, signal?: AbortSignal): Promise<PreparedAnswer> {
  const timings: Record<string, number> = {};
  const t = (name: string, since: number) => (timings[name] = deps.clock.now() - since);
  let start = deps.clock.now();
  const { text, normalized } = preprocess(q.text, deps.settings.maxQuestionChars);
  const earlier = q.earlier ?? [];
  const language = detectLanguage(text, { earlier, locale: q.locale });
  t('preprocess', start);

  start = deps.clock.now();
  // edge/intents/classify.ts: a remote model (INTENT_MODEL) first, offered the site's intent
  // names; else the site's own model, then the built-in intents. The site's settings say what
  // its intents do. A site model trained on this embedder reads the question's vector, which
  // retrieval then reuses.
  const asked = new QueryVector(deps.embedder, text);
  const [classified, site] = await inSpan('pipeline.intent', {}, () => Promise.all([classifyFor(deps, q.siteId, text, signal, asked), recentSite(deps, q.siteId)]));
  const clues = findOrderClues([text, ...earlier]);
  const actions = site?.settings?.intents;
  const routed = route({ text, classified, clues: findOrderClues([text]), earlier, offeredPerson: q.offeredPerson === true, ...(actions ? { actions } : {}) });
  const intent = routed.intent;
  t('intent', start);

  // The intent stage's embedding is billed whichever route follows.
  const intentTokens = await asked.billed();
  const intentEmbedding = intentTokens === undefined ? undefined : { model: asked.model, tokens: intentTokens };
  const base = {
    intent,
    intentModel: classified.model ?? LOCAL_INTENT_MODEL,
    normalized,
    language,
    timings,
    cacheKey: null as string | null,
    ...(intentEmbedding ? { embedding: intentEmbedding } : {}),
  };
  const ask = { question: text, intent, locale: q.locale, language };
  if (routed.route === 'greeting' || routed.route === 'person') {
    const person = routed.route === 'person';
    const llm = await answererFor(deps, q.siteId);
    return { ...base, sources: [], confidence: 1, handoff: person, wantsPerson: person, text: llm.stream({ ...ask, sources: [] }, signal) };
  }
  if (routed.route === 'reply') {
    // The site's own words for this intent, as written: no sources to cite, nothing to guess.
    return { ...base, sources: [], confidence: 1, handoff: false, wantsPerson: false, text: textParts(routed.reply ?? '', signal) };
  }
  if (routed.route === 'order') {
    start = deps.clock.now();
    const reply = await answerOrder(deps, q, clues, language, signal);
    t('orders', start);
    return { ...base, ...reply, handoff: false, wantsPerson: false };
  }

  const complaint = routed.route === 'complaint';
  if (!complaint) {
    start = deps.clock.now();
    const priced = await answerPriceRanking(deps, q.siteId, text, language, signal);
    if (priced) {
      t('products', start);
      return { ...base, ...priced, handoff: false, wantsPerson: false };
    }
  }
  // A follow-up ("how much is it?") is searched with the questions it follows, and its answer
  // depends on them: never served from the cache nor kept in it.
  const followUp = followUpOf(text, earlier);
  const generation = await answerGeneration(deps, q.siteId);
  const cacheKey = answerCacheKey({ siteId: q.siteId, generation, model: deps.embedder.model, intent, language, normalized });
  const cached = followUp === null ? await cachedAnswer(deps, cacheKey) : null;
  if (cached) {
    timings.cache = 0;
    return { ...base, ...cached, intent, wantsPerson: false, text: textParts(cached.text, signal) };
  }

  start = deps.clock.now();
  // Search for what the visitor meant: misspelt words corrected to the site's own (a store that
  // cannot say only costs the correction).
  const searched = followUp?.search ?? text;
  const meant = await deps.db.chunks.spell(q.siteId, searched).catch(() => searched);
  const report: RetrieveReport = {};
  const candidates = await inSpan('pipeline.retrieve', {}, () => retrieve(deps, q.siteId, meant, deps.settings.topK, report, asked));
  t('retrieve', start);

  start = deps.clock.now();
  const ranked = await inSpan('pipeline.rerank', {}, () => rerank(deps.reranker, meant, candidates, deps.settings.rerankTopN));
  t('rerank', start);

  start = deps.clock.now();
  const sources = await withLiveFacts(deps, q.siteId, buildContext(ranked, deps.settings.maxContextTokens));
  const conf = scoreConfidence({
    rerankScores: ranked.map((r) => r.score),
    vectorTop: candidates.reduce((m, c) => Math.max(m, c.vectorScore ?? 0), 0),
    inBoth: ranked.slice(0, sources.length).filter((r) => r.inBoth).length,
    sources: sources.length,
  });
  // Help content in another language than the visitor's is said so, in the visitor's language.
  const written = contentLanguage(ranked.slice(0, 3).map((r) => r.chunk.content));
  const contentLang = written && written !== language ? written : undefined;
  t('context', start);

  // Below the bar the answerer gets no sources, so it says it does not know instead of guessing.
  const usable = conf >= LOW_CONFIDENCE ? sources : [];
  const llm = await answererFor(deps, q.siteId);
  return {
    ...base,
    ...embeddingBilled(report.embedding, meant === text ? undefined : intentEmbedding),
    // Live stock and prices must not be served from the cache, nor an answer found without the vector side.
    cacheKey: deps.settings.cacheTtlSeconds > 0 && followUp === null && !usable.some((s) => s.kind === 'product') && !report.vectorSkipped ? cacheKey : null,
    sources: usable,
    confidence: conf,
    // A complaint is offered a person at once; anything else when the answer is unsure.
    handoff: complaint || conf < LOW_CONFIDENCE || contentLang !== undefined,
    wantsPerson: false,
    text: llm.stream({ ...ask, sources: usable, confidence: conf, ...(contentLang ? { contentLanguage: contentLang } : {}), ...(followUp ? { subject: followUp.subject } : {}), tools: liveTools(deps, { ...q, said: [text, ...earlier], language }) }, signal),
  };
}

/** Retrieval's query embedding, plus the intent stage's when that one embedded other words. */
function embeddingBilled(retrieval: RetrieveReport['embedding'], intent: RetrieveReport['embedding']): { embedding?: NonNullable<RetrieveReport['embedding']> } {
  if (!retrieval) return intent ? { embedding: intent } : {};
  return { embedding: intent ? { ...retrieval, tokens: retrieval.tokens + intent.tokens } : retrieval };
}
