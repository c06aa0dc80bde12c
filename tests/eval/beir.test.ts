import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EvalDataError, readBeir } from './beir';
import { readClinc, readUnanswerable, sampleEvenly } from './unanswerable';

const root = mkdtempSync(join(tmpdir(), 'eval-beir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CORPUS = '{"_id": "t1-a1", "title": "Q one", "text": "A one"}\n{"_id": "t1-a2", "title": "Q one", "text": "A two"}\n';
const QUERIES = '{"_id": "q1", "text": "one?"}\n';
const QRELS = 'query-id\tcorpus-id\tscore\nq1\tt1-a1\t1\nq1\tt1-a2\t1\n';

let n = 0;
function folder(files: Record<string, string>): string {
  const dir = join(root, `set${++n}`);
  const all = { 'corpus.jsonl': CORPUS, 'queries.jsonl': QUERIES, 'qrels.tsv': QRELS, ...files };
  mkdirSync(dir);
  for (const [name, text] of Object.entries(all)) if (text !== '') writeFileSync(join(dir, name), text);
  return dir;
}

function errorOf(fn: () => unknown): EvalDataError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EvalDataError);
    return e as EvalDataError;
  }
  throw new Error('expected an EvalDataError');
}

describe('the BEIR reader', () => {
  it('reads a folder: corpus, queries, qrels, and unanswerable.jsonl when present', () => {
    const set = readBeir(folder({ 'unanswerable.jsonl': '{"_id": "u1", "text": "weather?"}\n' }));
    expect(set.corpus).toEqual([
      { id: 't1-a1', title: 'Q one', text: 'A one' },
      { id: 't1-a2', title: 'Q one', text: 'A two' },
    ]);
    expect(set.queries).toEqual([{ id: 'q1', text: 'one?' }]);
    expect([...set.qrels.get('q1')!]).toEqual([['t1-a1', 1], ['t1-a2', 1]]);
    expect(set.unanswerable).toEqual([{ id: 'u1', text: 'weather?' }]);
    expect(readBeir(folder({})).unanswerable).toBeNull();
  });

  it('names a missing folder or file', () => {
    expect(errorOf(() => readBeir(join(root, 'nowhere'))).message).toMatch(/nowhere: no such folder/);
    const dir = folder({ 'queries.jsonl': '' });
    expect(errorOf(() => readBeir(dir)).message).toBe(`${join(dir, 'queries.jsonl')}: missing`);
  });

  it('names the file and line of malformed JSON and missing fields', () => {
    const bad = folder({ 'corpus.jsonl': CORPUS + '{"_id": "t2-a1", "title": "x", "text": \n' });
    const e = errorOf(() => readBeir(bad));
    expect(e.message).toMatch(/corpus\.jsonl:3: not valid JSON/);
    expect(e.line).toBe(3);
    expect(errorOf(() => readBeir(folder({ 'queries.jsonl': '{"text": "no id"}\n' }))).message).toMatch(/queries\.jsonl:1: "_id" is missing/);
    expect(errorOf(() => readBeir(folder({ 'corpus.jsonl': '{"_id": "d", "text": ""}\n' }))).message).toMatch(/corpus\.jsonl:1: "text" must be non-empty text/);
    expect(errorOf(() => readBeir(folder({ 'queries.jsonl': '[1]\n' }))).message).toMatch(/queries\.jsonl:1: expected a JSON object/);
    expect(errorOf(() => readBeir(folder({ 'queries.jsonl': QUERIES + QUERIES }))).message).toMatch(/the id "q1" appears twice/);
  });

  it('names the line of a bad qrels row', () => {
    expect(errorOf(() => readBeir(folder({ 'qrels.tsv': 'q1\tt1-a1\t1\n' }))).message).toMatch(/qrels\.tsv:1: expected the header/);
    expect(errorOf(() => readBeir(folder({ 'qrels.tsv': QRELS + 'q1\tt9-a9\t1\n' }))).message).toMatch(/qrels\.tsv:4: document "t9-a9" is not in corpus\.jsonl/);
    expect(errorOf(() => readBeir(folder({ 'qrels.tsv': QRELS + 'q7\tt1-a1\t1\n' }))).message).toMatch(/qrels\.tsv:4: query "q7" is not in queries\.jsonl/);
    expect(errorOf(() => readBeir(folder({ 'qrels.tsv': QRELS + 'q1 t1-a1 1\n' }))).message).toMatch(/qrels\.tsv:4: expected 3 tab-separated columns/);
    expect(errorOf(() => readBeir(folder({ 'qrels.tsv': QRELS + 'q1\tt1-a1\thigh\n' }))).message).toMatch(/qrels\.tsv:4: score "high" is not a number/);
  });
});

describe('unanswerable questions', () => {
  const csv = join(root, 'clinc.csv');
  writeFileSync(
    csv,
    'text,label\n' +
      ['what is my balance,balance', 'how much money do i have,balance', 'send 5 dollars to bob,transfer', 'wire money to mom,transfer', 'tell a joke,tell_joke', 'who won the game,oos', 'how tall is everest,oos', 'what is love,oos'].join('\n') +
      '\n',
  );

  it('takes oos rows and other intents round-robin from a CLINC150 CSV, the same every time', () => {
    const qs = readClinc(csv, { oos: 2, inScope: 3, labels: ['balance', 'transfer'] });
    expect(qs).toHaveLength(5);
    expect(qs.filter((q) => q.id.startsWith('oos:'))).toHaveLength(2);
    const labels = qs.filter((q) => q.id.startsWith('in:')).map((q) => q.id.split(':')[1]);
    expect(labels.sort()).toEqual(['balance', 'balance', 'transfer']);
    expect(qs.every((q) => /:L\d+$/.test(q.id))).toBe(true);
    expect(readClinc(csv, { oos: 2, inScope: 3, labels: ['balance', 'transfer'] })).toEqual(qs);
  });

  it('says which intents a CSV lacks, and which file types it reads', () => {
    expect(() => readClinc(csv, { oos: 1, inScope: 1, labels: ['balance', 'book_flight'] })).toThrow(/no rows labelled book_flight/);
    expect(() => readUnanswerable(join(root, 'x.txt'))).toThrow(/expected a \.jsonl of queries/);
    expect(() => readUnanswerable(join(root, 'none.csv'))).toThrow(/none\.csv: missing/);
  });

  it('samples evenly over the list', () => {
    expect(sampleEvenly([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([0, 3, 6]);
    expect(sampleEvenly([1, 2], 5)).toEqual([1, 2]);
    expect(sampleEvenly([1, 2], 0)).toEqual([]);
  });
});
