/**
 * `eval answers`: every question asked through the product end to end (ingest, then
 * `POST /v1/chat`), the reply sorted into one outcome:
 *   answerable:   right (first citation from a relevant document/thread), wrong (cites
 *                 something else), refused (no citation, no ticket), person (a ticket opened);
 *   unanswerable: refused with the offer of a person (no citation, no ticket, `handoff` flag),
 *                 refused without that offer, answered (any citation: wrong), person (a ticket).
 * Every citation is checked against what the pipeline itself retrieved while answering (the
 * candidate rows it loaded): a source that was not among them should never be cited. Beside
 * the product: its retrieval's top hit and BM25's on the same questions.
 */
import type { BeirSet, Query } from './beir';
import { ask, type Reply } from './ask';
import { collapseQrels, latency, type Collapse } from './metrics';
import { bm25Ranker, productRanker } from './rank';
import type { EvalSite } from './site';

export type AnswerableOutcome = 'right' | 'wrong' | 'refused' | 'person';
export type UnanswerableOutcome = 'refused_offer' | 'refused_no_offer' | 'answered' | 'person';

export interface AnswerRecord {
  query: string;
  text: string;
  set: 'answerable' | 'unanswerable';
  outcome: AnswerableOutcome | UnanswerableOutcome;
  intent: string | null;
  confidence: number | null;
  handoff: boolean;
  ticket: boolean;
  /** Corpus ids of the citations, in order (null: not a corpus document). */
  cited: (string | null)[];
  /** Citations of documents the pipeline did not retrieve while answering this question. */
  notRetrieved: number;
  /** The product's retrieval put a relevant document first (answerable only). */
  retrievalHit?: boolean;
  ms: number;
}

export interface AnswersReport {
  command: 'answers';
  answerable: {
    n: number;
    right: number;
    wrong: number;
    refused: number;
    person: number;
    latency: { p50: number; p95: number };
    /** Same questions: the product's retrieval top hit, and BM25's. */
    retrievalTop1: number;
    bm25Top1: number;
  } | null;
  unanswerable: {
    n: number;
    refusedOffer: number;
    refusedNoOffer: number;
    answered: number;
    person: number;
    latency: { p50: number; p95: number };
  } | null;
  /** Answers, over both sets, citing a source the pipeline did not retrieve while answering. */
  notRetrieved: number;
  /** Intents of the answerable questions that were refused or sent to a person. */
  missedIntents: Record<string, number>;
  records?: AnswerRecord[];
}

export async function evalAnswers(
  set: BeirSet,
  site: EvalSite,
  collapse: Collapse,
  opts: { queries: Query[]; unanswerable: Query[]; progress?: (done: number, total: number) => void },
): Promise<AnswersReport> {
  const judged = collapseQrels(set.qrels, collapse);
  const answerable = opts.queries.filter((q) => judged.has(q.id));
  const product = productRanker(site, { reuseQueryVectors: true });
  const bm25 = bm25Ranker(set.corpus);
  const records: AnswerRecord[] = [];
  const total = answerable.length + opts.unanswerable.length;
  let bm25Hits = 0;

  const record = async (q: Query, which: 'answerable' | 'unanswerable') => {
    const { result: reply, loaded } = await site.track(() => ask(site, q.text));
    const cited = reply.citations.map((c) => site.corpusIdOfCitation(c));
    const notRetrieved = cited.filter((id) => id === null || !loaded.has(id)).length;
    const base = {
      query: q.id,
      text: q.text,
      set: which,
      intent: reply.intent,
      confidence: reply.confidence,
      handoff: reply.handoff,
      ticket: reply.ticket !== null,
      cited,
      notRetrieved,
      ms: reply.ms,
    };
    if (which === 'answerable') {
      const rel = judged.get(q.id)!;
      const relevant = (id: string | null | undefined) => id != null && rel.has(collapse(id));
      const top = (await bm25(q.text)).ids[0];
      if (relevant(top)) bm25Hits++;
      const retrieved = await product(q.text);
      records.push({ ...base, outcome: answerableOutcome(reply, relevant(cited[0])), retrievalHit: relevant(retrieved.ids[0]) });
    } else {
      records.push({ ...base, outcome: unanswerableOutcome(reply) });
    }
    opts.progress?.(records.length, total);
  };
  // One question first, not counted: the first request pays for JIT compilation and lazy loads.
  if (answerable[0] ?? opts.unanswerable[0]) {
    const warm = (answerable[0] ?? opts.unanswerable[0]).text;
    await ask(site, warm);
    await product(warm);
  }
  for (const q of answerable) await record(q, 'answerable');
  for (const q of opts.unanswerable) await record(q, 'unanswerable');

  const of = (which: string) => records.filter((r) => r.set === which);
  const count = (rs: AnswerRecord[], o: string) => rs.filter((r) => r.outcome === o).length;
  const a = of('answerable');
  const u = of('unanswerable');
  const missedIntents: Record<string, number> = {};
  for (const r of a) if (r.outcome === 'refused' || r.outcome === 'person') missedIntents[`${r.outcome}:${r.intent}`] = (missedIntents[`${r.outcome}:${r.intent}`] ?? 0) + 1;
  return {
    command: 'answers',
    answerable: a.length
      ? {
          n: a.length,
          right: count(a, 'right'),
          wrong: count(a, 'wrong'),
          refused: count(a, 'refused'),
          person: count(a, 'person'),
          latency: latency(a.map((r) => r.ms)),
          retrievalTop1: a.filter((r) => r.retrievalHit).length,
          bm25Top1: bm25Hits,
        }
      : null,
    unanswerable: u.length
      ? {
          n: u.length,
          refusedOffer: count(u, 'refused_offer'),
          refusedNoOffer: count(u, 'refused_no_offer'),
          answered: count(u, 'answered'),
          person: count(u, 'person'),
          latency: latency(u.map((r) => r.ms)),
        }
      : null,
    notRetrieved: records.filter((r) => r.notRetrieved > 0).length,
    missedIntents,
    records,
  };
}

/** A ticket wins over everything (the visitor was sent to a person), then the first citation. */
export function answerableOutcome(reply: Pick<Reply, 'ticket' | 'citations'>, firstIsRelevant: boolean): AnswerableOutcome {
  if (reply.ticket !== null) return 'person';
  if (reply.citations.length === 0) return 'refused';
  return firstIsRelevant ? 'right' : 'wrong';
}

export function unanswerableOutcome(reply: Pick<Reply, 'ticket' | 'citations' | 'handoff'>): UnanswerableOutcome {
  if (reply.ticket !== null) return 'person';
  if (reply.citations.length > 0) return 'answered';
  return reply.handoff ? 'refused_offer' : 'refused_no_offer';
}
