/**
 * The eval's wiring on a tiny hand-made BEIR folder: ingest into the throwaway site, both
 * commands as a library, and the CLI's exit code and message for a malformed file.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runEval } from './run';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'eval-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const docs = [
  { _id: 't1-a1', title: 'How do I reset my password?', text: 'Open Settings, choose Security, then Reset password and follow the email we send you.' },
  { _id: 't1-a2', title: 'How do I reset my password?', text: 'On the sign-in page, click "Forgot password" and enter your account email.' },
  { _id: 't2-a1', title: 'Can I export my contacts to a CSV file?', text: 'Yes. In Contacts, open the menu, choose Export, and pick CSV as the format.' },
  { _id: 't3-a1', title: 'How do I delete my account?', text: 'Go to Settings, Account, Delete account. Deletion is permanent after 30 days.' },
];
const queries = [
  { _id: 'q1', text: 'How do I reset my password?' },
  { _id: 'q2', text: 'Can I export my contacts to a CSV file?' },
  { _id: 'q3', text: 'How do I delete my account?' },
];
writeFileSync(join(dir, 'corpus.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
writeFileSync(join(dir, 'queries.jsonl'), queries.map((q) => JSON.stringify(q)).join('\n') + '\n');
writeFileSync(join(dir, 'qrels.tsv'), 'query-id\tcorpus-id\tscore\nq1\tt1-a1\t1\nq1\tt1-a2\t1\nq2\tt2-a1\t1\nq3\tt3-a1\t1\n');
writeFileSync(join(dir, 'unanswerable.jsonl'), JSON.stringify({ _id: 'u1', text: 'What is the capital of Mongolia?' }) + '\n');

describe('the eval on a tiny set', () => {
  it('retrieval: the product and BM25 find each question\'s own thread', async () => {
    const r = await runEval({ command: 'retrieval', dir, env: {} });
    if (r.command !== 'retrieval') throw new Error('expected a retrieval report');
    expect(r.queries).toBe(3);
    expect(r.meta).toMatchObject({ documents: 4, collapse: expect.stringMatching(/^auto: /), problems: [] });
    expect(r.rows.map((row) => row.system)).toEqual(['product: hybrid + rerank', 'hybrid (fused, before rerank)', 'vector only', 'full text only', 'BM25 (baseline)']);
    for (const row of r.rows) expect(row.metrics.r1, row.system).toBe(1);
  });

  it('answers: asked through POST /v1/chat, each reply sorted into one outcome', async () => {
    const r = await runEval({ command: 'answers', dir, env: {}, records: true });
    if (r.command !== 'answers') throw new Error('expected an answers report');
    const a = r.answerable!;
    expect(a.n).toBe(3);
    expect(a.right + a.wrong + a.refused + a.person).toBe(3);
    expect(a.bm25Top1).toBe(3);
    expect(r.unanswerable!.n).toBe(1);
    expect(r.notRetrieved).toBe(0);
    expect(r.records).toHaveLength(4);
    // Every citation maps back to a corpus document through its url.
    for (const rec of r.records!) expect(rec.cited.every((id) => id !== null && docs.some((d) => d._id === id))).toBe(true);
    expect(r.records!.some((rec) => rec.cited.length > 0)).toBe(true);
  });

  it('the CLI names the file and line of a malformed row and exits 2', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'corpus.jsonl'), '{"_id": "d1", "text": "x"}\n{"_id": "d2"}\n');
    writeFileSync(join(bad, 'queries.jsonl'), '{"_id": "q1", "text": "x"}\n');
    writeFileSync(join(bad, 'qrels.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t1\n');
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/eval/cli.ts'), 'retrieval', bad], { cwd: ROOT });
    const failed = await run.then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain(`${join(bad, 'corpus.jsonl')}:2: "text" is missing`);
  });
});
