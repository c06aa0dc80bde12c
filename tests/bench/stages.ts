/**
 * Single stages of the answer pipeline that run on every message (or every cold start), each
 * beside the trivial version of the same step measured in the same run: what the stage costs
 * over doing nothing clever.
 */
import type { ChunkRow, RerankCandidate } from '../../edge/core/ports';
import { countTokens } from '../../edge/core/tokens';
import { buildContext } from '../../edge/pipeline/context';
import { builtInIntents, trainBuiltInModel } from '../../edge/pipeline/intent/built-in';
import { BUILT_IN_MODEL } from '../../edge/pipeline/intent/built-in-model';
import { IntentModel, type StoredIntentModel } from '../../edge/pipeline/intent/model';
import { LocalReranker } from '../../edge/providers/rerank/local';
import { percentiles, type Row } from './table';

const WORDS = 'order shipping return refund days business customer product size color within item policy delivery package tracking email'.split(' ');

function timed(runs: number, fn: (i: number) => unknown): number[] {
  for (let i = 0; i < Math.min(50, runs); i++) fn(i); // warm-up
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    out.push(performance.now() - t0);
  }
  return out;
}

const us = (ms: number) => `${Math.round(ms * 1000)} µs`;
const p5099 = (xs: number[]) => {
  const p = percentiles(xs);
  return { p, text: `${us(p.p50)} / ${us(p.p99)}` };
};

export async function benchStages(): Promise<Row[]> {
  const rows: Row[] = [];

  // Intent: the built-in model is loaded once per process (each new Worker isolate too), not
  // trained there; classifying, per message. Training it (npm run intents:built-in) beside.
  const loading = timed(5, () => IntentModel.fromJSON(BUILT_IN_MODEL as StoredIntentModel));
  const training = timed(3, () => trainBuiltInModel());
  const clf = builtInIntents();
  const classify = timed(1000, (i) => clf.classify(`where is my order number ${i} it has not arrived`));
  rows.push({
    figure: 'built-in intents: loading the shipped model (median of 5; once per process or isolate)',
    value: `${percentiles(loading).p50.toFixed(1)} ms`,
    baseline: `${percentiles(training).p50.toFixed(0)} ms`,
    baselineName: 'training it from the shipped examples (median of 3)',
    ratio: percentiles(loading).p50 / percentiles(training).p50,
  });
  const split = timed(1000, (i) => `where is my order number ${i} it has not arrived`.toLowerCase().split(/\s+/));
  rows.push({
    figure: 'built-in intents: classifying one message (p50)',
    value: us(percentiles(classify).p50),
    baseline: us(percentiles(split).p50),
    baselineName: 'lowercasing and splitting it into words (the least any classifier does)',
    ratio: percentiles(classify).p50 / Math.max(percentiles(split).p50, 1e-6),
  });

  // Rerank: 20 candidates of ~80 words, against keeping the retrieval order (sorting by score).
  const candidates: RerankCandidate[] = Array.from({ length: 20 }, (_, i) => ({
    id: `c${i}`,
    title: `Help article ${i}`,
    text: Array.from({ length: 80 }, (_, j) => WORDS[(i * 7 + j * 5) % WORDS.length]).join(' '),
  }));
  const reranker = new LocalReranker();
  // Candidates it has not seen (each round's texts differ), then the same ones again: the
  // reranker remembers a candidate's analysis, and popular passages come back often.
  const rerank = { unseen: [] as number[], seen: [] as number[] };
  for (let i = 0; i < 350; i++) {
    const fresh = candidates.map((c) => ({ ...c, text: `${c.text} round${i}` }));
    let t0 = performance.now();
    await reranker.rerank(`how long does delivery of my order take ${i % 7}`, fresh, 4);
    if (i >= 50) rerank.unseen.push(performance.now() - t0);
    t0 = performance.now();
    await reranker.rerank(`how long does delivery of my order take ${i % 7}`, candidates, 4);
    if (i >= 50) rerank.seen.push(performance.now() - t0);
  }
  const scored = candidates.map((c, i) => ({ c, score: 1 - i / 40 }));
  const sort = timed(300, () => [...scored].sort((a, b) => b.score - a.score).slice(0, 4));
  for (const [kind, samples] of Object.entries(rerank)) {
    const r = p5099(samples);
    rows.push({ figure: `local rerank, 20 ${kind} candidates × 80 words (p50 / p99)`, value: r.text, baseline: p5099(sort).text, baselineName: 'keeping the retrieval order (sort by score)', ratio: r.p.p50 / p5099(sort).p.p50 });
  }

  // Context: 20 ranked chunks into a 1,500-token budget, against joining them with no budget.
  const ranked = Array.from({ length: 20 }, (_, i) => {
    const content = Array.from({ length: 60 }, (_, j) => WORDS[(i * 3 + j) % WORDS.length]).join(' ') + '.';
    const chunk: ChunkRow = { id: `k${i}`, documentId: `D${i}`, siteId: 's', kind: 'doc', ord: 0, title: `Doc ${i}`, url: null, content, tokens: countTokens(content) };
    return { chunk, score: 1 - i / 40 };
  });
  // Unseen passages (token counts are remembered per passage), then the same ones again.
  const variants = Array.from({ length: 350 }, (_, r) => ranked.map((x) => ({ ...x, chunk: { ...x.chunk, content: `${x.chunk.content} round${r}` } })));
  let round = 0;
  const unseen = p5099(timed(300, () => buildContext(variants[round++], 1500)));
  const context = p5099(timed(300, () => buildContext(ranked, 1500)));
  const join = p5099(timed(300, () => ranked.map((x) => x.chunk.content).join('\n\n')));
  rows.push({ figure: 'context budget, 20 unseen chunks into 1,500 tokens (p50 / p99)', value: unseen.text, baseline: join.text, baselineName: 'joining the chunks with no budget', ratio: unseen.p.p50 / join.p.p50 });
  rows.push({ figure: 'context budget, 20 seen chunks into 1,500 tokens (p50 / p99)', value: context.text, baseline: join.text, baselineName: 'joining the chunks with no budget', ratio: context.p.p50 / join.p.p50 });
  return rows;
}
