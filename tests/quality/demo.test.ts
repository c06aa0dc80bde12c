/**
 * The graded demo set, through the product (POST /v1/chat over the demo shop): at least 90%
 * of the points, the target issue 11 set. The report of every reply is printed when it fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeDemo, report, type Graded } from './grade';

const FLOOR = 0.9;

describe('the graded demo set', () => {
  let run: Awaited<ReturnType<typeof gradeDemo>>;
  beforeAll(async () => {
    run = await gradeDemo();
  }, 120_000);
  afterAll(async () => run?.close());

  it('has at least 40 questions covering every case the issue names', () => {
    expect(run.results.length).toBeGreaterThanOrEqual(40);
    const tags = new Set(run.results.flatMap((r) => r.question.tags));
    for (const tag of ['multi-part', 'typo', 'es', 'de', 'ar', 'complaint', 'oos', 'contact', 'qualifier', 'person', 'order']) expect(tags, tag).toContain(tag);
  });

  it(`scores at least ${FLOOR * 100}% of the points`, () => {
    const share = run.points / run.max;
    if (share < FLOOR) console.log(report(run.results));
    expect(share).toBeGreaterThanOrEqual(FLOOR);
  });

  it('never opens a ticket nobody asked for, and never apologises to a neutral question', () => {
    const byExpect = (e: Graded['question']['expect']) => run.results.filter((r) => r.question.expect === e);
    for (const r of [...byExpect('answer'), ...byExpect('refuse'), ...byExpect('complaint'), ...byExpect('order')]) expect(r.reply.ticket, r.question.q).toBeUndefined();
    for (const r of [...byExpect('answer'), ...byExpect('refuse')]) expect(r.reply.text, r.question.q).not.toMatch(/sorry|lamento|tut mir leid/i);
    for (const r of byExpect('person')) expect(r.reply.ticket, r.question.q).toBeDefined();
  });
});
