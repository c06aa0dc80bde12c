/**
 * The eval as a library: read the folder, build the throwaway site, run one command. The CLI
 * (cli.ts) and the stackfaq-dev floor test both call runEval.
 */
import { evalAnswers, type AnswersReport } from './answers';
import { readBeir, type Query } from './beir';
import { collapseFor } from './metrics';
import { evalRetrieval, type RetrievalReport } from './retrieval';
import { openEvalSite } from './site';
import { readUnanswerable, sampleEvenly, type ClincSample, DEFAULT_CLINC_SAMPLE } from './unanswerable';

export interface EvalOptions {
  command: 'retrieval' | 'answers';
  dir: string;
  /** The environment the product's config comes from. */
  env: Record<string, string | undefined>;
  embedder?: string;
  /** At most this many questions of each set, spread evenly over the file. */
  limit?: number;
  /** `auto`, `none` or a regular expression (see collapseFor). */
  collapse?: string;
  /** A .jsonl of queries or a CLINC150 .csv; default the folder's unanswerable.jsonl. */
  unanswerable?: string;
  clinc?: ClincSample;
  /** Keep each answer's record in the report. */
  records?: boolean;
  progress?: (stage: string, done: number, total: number) => void;
}

export interface EvalMeta {
  dir: string;
  documents: number;
  chunks: number;
  collapse: string;
  embedder: string;
  answerer: string;
  reranker: string;
  settings: { topK: number; rerankTopN: number };
  ingestMs: number;
  /** Errors the product logged during the run (none expected). */
  problems: string[];
}

export type EvalReport = (RetrievalReport | AnswersReport) & { meta: EvalMeta };

export async function runEval(o: EvalOptions): Promise<EvalReport> {
  const set = readBeir(o.dir);
  const { collapse, describe } = collapseFor(o.collapse ?? 'auto', set.corpus.map((d) => d.id));
  const limit = (qs: Query[]) => (o.limit === undefined ? qs : sampleEvenly(qs, o.limit));
  const queries = limit(set.queries);
  const unanswerable = o.command === 'answers' ? limit(o.unanswerable ? readUnanswerable(o.unanswerable, o.clinc ?? DEFAULT_CLINC_SAMPLE) : (set.unanswerable ?? [])) : [];

  const site = await openEvalSite(set.corpus, { env: o.env, embedder: o.embedder, onProgress: (d, t) => o.progress?.('embed', d, t) });
  try {
    const report =
      o.command === 'retrieval'
        ? await evalRetrieval(set, site, collapse, { queries, progress: (d, t) => o.progress?.('query', d, t) })
        : await evalAnswers(set, site, collapse, { queries, unanswerable, progress: (d, t) => o.progress?.('ask', d, t) });
    if (report.command === 'answers' && !o.records) delete report.records;
    const { settings } = site.deps;
    const meta: EvalMeta = {
      dir: o.dir,
      documents: set.corpus.length,
      chunks: site.chunks,
      collapse: describe,
      embedder: site.embedder,
      answerer: site.deps.llm.name,
      reranker: site.deps.reranker.name,
      settings: { topK: settings.topK, rerankTopN: settings.rerankTopN },
      ingestMs: site.ingestMs,
      problems: site.problems,
    };
    return { ...report, meta };
  } finally {
    await site.close();
  }
}
