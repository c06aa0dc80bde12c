/**
 * The issue 11 targets, measured through the product (ingest, then POST /v1/chat) on
 * ../shared/eval/stackfaq-dev with the default embedder and answerer, plus 300 questions it
 * cannot answer from CLINC150's test split (150 out-of-scope, 150 banking/travel/kitchen/auto).
 * The same code as `npm run eval -- answers ../shared/eval/stackfaq-dev --unanswerable
 * ../shared/eval/clinc150/test.csv`. Without the data (a clone with no ../shared beside it) it
 * is skipped with a message, as the other eval-data tests are, under CI=true too: the data is
 * not the project's to ship (StackFAQ states no licence of its own: evaluation use only), so a
 * fresh machine cannot measure, and must still pass.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AnswersReport } from './answers';
import { formatAnswers } from './report';
import { runEval, type EvalReport } from './run';

const EVAL = resolve(import.meta.dirname, '../../../shared/eval');
const DIR = join(EVAL, 'stackfaq-dev');
const CLINC = join(EVAL, 'clinc150', 'test.csv');
const missing = [join(DIR, 'corpus.jsonl'), join(DIR, 'queries.jsonl'), join(DIR, 'qrels.tsv'), CLINC].find((f) => !existsSync(f));
const skip = missing !== undefined;
if (skip) console.warn(`skipped: the StackFAQ floor needs eval data: no ${missing} (../shared/eval, beside the repository)`);

/** The targets of issue 11. */
const TARGET = {
  /** Answerable questions whose first citation is from the right thread. */
  firstCitationRight: 0.9,
  /** Answerable questions refused or sent to a person. */
  answerableMissed: 0.05,
  /** Unanswerable questions refused with the offer of a person. */
  unanswerableRefusedWithOffer: 0.9,
  /** Answers citing a source retrieval did not return. */
  citedNotRetrieved: 0,
};

/**
 * Asserted at the targets: on 2026-12-03 the default embedder (all-MiniLM-L6-v2,
 * EMBEDDING_MODEL=auto) with the local extractive answerer measured first citation right 0.935,
 * answerable refused 0.021 and sent to a person 0, unanswerable refused with the offer of a
 * person 0.973, and 0 citations not retrieved. With local-hash-384 it falls short (0.758 right,
 * 0.840 unanswerable refused): these floors hold for the default embedder only.
 */
const FLOOR = TARGET;

describe.skipIf(skip)('StackFAQ dev through the product (issue 11 floors)', () => {
  let report: AnswersReport & EvalReport;

  beforeAll(async () => {
    // A clean environment: the defaults a fresh install gets (no OpenAI key, the default embedder).
    const r = await runEval({ command: 'answers', dir: DIR, env: {}, unanswerable: CLINC, clinc: { oos: 150, inScope: 150 } });
    if (r.command !== 'answers') throw new Error('expected an answers report');
    report = r as AnswersReport & EvalReport;
    console.log(`StackFAQ floor, EMBEDDING_MODEL=${r.meta.embedder}, answerer ${r.meta.answerer}:\n${formatAnswers(report)}`);
  }, 480_000);

  it('ingests every document and logs no error', () => {
    expect(report.meta.documents).toBe(384);
    expect(report.meta.problems).toEqual([]);
    expect(report.answerable!.n).toBe(620);
    expect(report.unanswerable!.n).toBe(300);
  });

  it('cites the right thread first', () => {
    const a = report.answerable!;
    expect(a.right / a.n).toBeGreaterThanOrEqual(FLOOR.firstCitationRight);
  });

  it('refuses or sends to a person few answerable questions', () => {
    const a = report.answerable!;
    expect((a.refused + a.person) / a.n).toBeLessThanOrEqual(FLOOR.answerableMissed);
  });

  it('refuses unanswerable questions and offers a person', () => {
    const u = report.unanswerable!;
    expect(u.refusedOffer / u.n).toBeGreaterThanOrEqual(FLOOR.unanswerableRefusedWithOffer);
  });

  it('never cites a source retrieval did not return', () => {
    expect(report.notRetrieved).toBe(FLOOR.citedNotRetrieved);
  });
});
