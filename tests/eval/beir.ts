/**
 * Reads a BEIR-layout folder: corpus.jsonl (`_id`, `title`, `text`), queries.jsonl (`_id`,
 * `text`), qrels.tsv (`query-id corpus-id score`, header first; BEIR's qrels/test.tsv is
 * accepted too) and optionally unanswerable.jsonl (queries whose answer is not in the corpus).
 * Every problem names the file and line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusDoc {
  id: string;
  title: string;
  text: string;
}

export interface Query {
  id: string;
  text: string;
}

export interface BeirSet {
  dir: string;
  corpus: CorpusDoc[];
  queries: Query[];
  /** query id → corpus id → score (as written; 0 means judged not relevant). */
  qrels: Map<string, Map<string, number>>;
  /** From unanswerable.jsonl when the folder has one. */
  unanswerable: Query[] | null;
}

export class EvalDataError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    problem: string,
  ) {
    super(line === null ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'EvalDataError';
  }
}

export function readBeir(dir: string): BeirSet {
  if (!existsSync(dir)) throw new EvalDataError(dir, null, 'no such folder (expected a BEIR folder with corpus.jsonl, queries.jsonl and qrels.tsv)');
  if (!statSync(dir).isDirectory()) throw new EvalDataError(dir, null, 'is not a folder (expected a BEIR folder with corpus.jsonl, queries.jsonl and qrels.tsv)');
  const corpusFile = join(dir, 'corpus.jsonl');
  const queriesFile = join(dir, 'queries.jsonl');
  const qrelsFile = [join(dir, 'qrels.tsv'), join(dir, 'qrels', 'test.tsv')].find((f) => existsSync(f)) ?? join(dir, 'qrels.tsv');

  const corpus = readJsonl(corpusFile, (row, at) => ({
    id: stringField(row, '_id', at),
    title: optionalString(row, 'title', at),
    text: stringField(row, 'text', at),
  }));
  if (!corpus.length) throw new EvalDataError(corpusFile, null, 'holds no documents');
  unique(corpusFile, corpus);
  const queries = readQueries(queriesFile);
  if (!queries.length) throw new EvalDataError(queriesFile, null, 'holds no queries');

  const docIds = new Set(corpus.map((d) => d.id));
  const queryIds = new Set(queries.map((q) => q.id));
  const qrels = readQrels(qrelsFile, docIds, queryIds);
  const unanswerableFile = join(dir, 'unanswerable.jsonl');
  const unanswerable = existsSync(unanswerableFile) ? readQueries(unanswerableFile) : null;
  return { dir, corpus, queries, qrels, unanswerable };
}

/** A JSONL file of queries (`_id`, `text`): queries.jsonl, unanswerable.jsonl. */
export function readQueries(file: string): Query[] {
  const rows = readJsonl(file, (row, at) => ({ id: stringField(row, '_id', at), text: stringField(row, 'text', at) }));
  unique(file, rows);
  return rows;
}

interface At {
  file: string;
  line: number;
}

function readJsonl<T>(file: string, map: (row: Record<string, unknown>, at: At) => T): T[] {
  const lines = readLines(file);
  const out: T[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const at = { file, line: i + 1 };
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new EvalDataError(file, at.line, `not valid JSON (${(e as Error).message})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new EvalDataError(file, at.line, 'expected a JSON object');
    out.push(map(row as Record<string, unknown>, at));
  });
  return out;
}

function readLines(file: string): string[] {
  if (!existsSync(file)) throw new EvalDataError(file, null, 'missing');
  return readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
}

function stringField(row: Record<string, unknown>, name: string, at: At): string {
  const v = row[name];
  // BEIR ids are sometimes numbers in the JSON; they are compared as text.
  if (name === '_id' && typeof v === 'number') return String(v);
  if (typeof v !== 'string' || !v.trim()) {
    throw new EvalDataError(at.file, at.line, `"${name}" ${v === undefined ? 'is missing' : 'must be non-empty text'}`);
  }
  return v;
}

function optionalString(row: Record<string, unknown>, name: string, at: At): string {
  const v = row[name];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new EvalDataError(at.file, at.line, `"${name}" must be text`);
  return v;
}

function unique(file: string, rows: { id: string }[]): void {
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.id)) throw new EvalDataError(file, null, `the id "${r.id}" appears twice`);
    seen.add(r.id);
  }
}

function readQrels(file: string, docIds: Set<string>, queryIds: Set<string>): Map<string, Map<string, number>> {
  const lines = readLines(file);
  const out = new Map<string, Map<string, number>>();
  let header = true;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const at = i + 1;
    const cells = line.split('\t');
    if (header) {
      header = false;
      if (cells[0] === 'query-id') return;
      throw new EvalDataError(file, at, 'expected the header "query-id<TAB>corpus-id<TAB>score"');
    }
    // TREC qrels have an iteration column: "q 0 doc score".
    const [q, doc, score] = cells.length === 4 ? [cells[0], cells[2], cells[3]] : cells;
    if (cells.length !== 3 && cells.length !== 4) throw new EvalDataError(file, at, `expected 3 tab-separated columns (query-id, corpus-id, score), found ${cells.length}`);
    const gain = Number(score);
    if (!Number.isFinite(gain)) throw new EvalDataError(file, at, `score "${score}" is not a number`);
    if (!queryIds.has(q)) throw new EvalDataError(file, at, `query "${q}" is not in queries.jsonl`);
    if (!docIds.has(doc)) throw new EvalDataError(file, at, `document "${doc}" is not in corpus.jsonl`);
    const docs = out.get(q) ?? new Map<string, number>();
    docs.set(doc, gain);
    out.set(q, docs);
  });
  if (header) throw new EvalDataError(file, null, 'is empty');
  if (!out.size) throw new EvalDataError(file, null, 'holds no judgements');
  return out;
}
