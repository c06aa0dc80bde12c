/**
 * Grades replies to the demo set through the product: each question goes to `POST /v1/chat`
 * of the app over the demo shop, as a visitor would send it. Run it alone for a report:
 * `npx tsx tests/quality/grade.ts [--json]`.
 */
import { fileURLToPath } from 'node:url';
import { createApp } from '../../edge/app';
import type { Deps } from '../../edge/core/deps';
import { demoDeps } from '../helpers/deps';
import { DEMO_QUESTIONS, type GradedQuestion } from './demo-questions';
import { NO_LIMITS } from '../helpers/limits';

export interface Reply {
  text: string;
  citations: { n: number; title: string; url?: string }[];
  ticket?: string;
  intent?: string;
  confidence?: number;
}

export interface Graded {
  question: GradedQuestion;
  reply: Reply;
  /** 0..2: the right place, then the right words. */
  points: number;
  /** What cost a point, for the report. */
  misses: string[];
}

let counter = 0;

/** One message (after any earlier ones) in a new conversation, through the HTTP API. */
export async function ask(app: ReturnType<typeof createApp>['app'], q: GradedQuestion, site = 'demo'): Promise<Reply> {
  let session: string | undefined;
  let resume: string | undefined;
  for (const text of [...(q.before ?? []), q.q]) {
    const res = await app.request('/v1/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site, id: `g${++counter}`, text, ...(session ? { session, resume } : {}) }),
    });
    const body = (await res.json()) as { session: string; resume?: string; answer: Reply | null; ticket?: string; error?: { message: string } };
    if (!res.ok || !body.answer) throw new Error(`POST /v1/chat for "${text}": ${res.status} ${body.error?.message ?? 'no answer'}`);
    session = body.session;
    resume = body.resume ?? resume;
    if (text === q.q) return { ...body.answer, ...(body.ticket ? { ticket: body.ticket } : {}) };
  }
  throw new Error('unreachable');
}

export function grade(q: GradedQuestion, r: Reply): Graded {
  const misses: string[] = [];
  const first = r.citations[0];
  const cites = (wanted: string[] | undefined) =>
    !wanted || (first !== undefined && wanted.some((w) => (w.startsWith('/') ? first.url === w : first.title.toLowerCase().includes(w.toLowerCase()))));
  const offers = /person|persona|Person|شخص|أحد أفراد/.test(r.text);
  let place = true;
  switch (q.expect) {
    case 'answer':
      if (!cites(q.source)) (place = false), misses.push(`first citation ${first ? `${first.title} (${first.url ?? '-'})` : 'none'}, wanted ${q.source?.join(' or ')}`);
      if (r.ticket) (place = false), misses.push('opened a ticket');
      break;
    case 'complaint':
      if (q.source && !cites(q.source)) (place = false), misses.push(`first citation ${first?.title ?? 'none'}, wanted ${q.source.join(' or ')}`);
      if (r.ticket) (place = false), misses.push('opened a ticket without being asked');
      if (!offers) (place = false), misses.push('no person offered');
      break;
    case 'refuse':
      if (first) (place = false), misses.push(`cited ${first.title}`);
      if (r.ticket) (place = false), misses.push('opened a ticket');
      if (!offers) (place = false), misses.push('no person offered');
      break;
    case 'person':
      if (!r.ticket) (place = false), misses.push('no ticket');
      break;
    case 'order':
      if (r.intent !== 'order_status') (place = false), misses.push(`intent ${r.intent}`);
      if (r.ticket) (place = false), misses.push('opened a ticket');
      break;
    case 'greeting':
      if (first || r.ticket) (place = false), misses.push('cited or ticketed a greeting');
      break;
  }
  let words = true;
  for (const f of q.facts ?? []) {
    if (!matches(r.text, f)) (words = false), misses.push(`missing ${String(f)}`);
  }
  for (const f of q.not ?? []) {
    if (matches(r.text, f)) (words = false), misses.push(`says ${String(f)}`);
  }
  return { question: q, reply: r, points: Number(place) + Number(words), misses };
}

function matches(text: string, f: string | RegExp): boolean {
  return typeof f === 'string' ? text.toLowerCase().includes(f.toLowerCase()) : f.test(text);
}

/** Every question of the set, graded, over an in-memory copy of the demo shop. */
export async function gradeDemo(env: Record<string, string> = {}): Promise<{ results: Graded[]; points: number; max: number; close(): Promise<void> }> {
  const built = await demoDeps({ ...NO_LIMITS, ...env });
  const deps: Deps = built.deps;
  const { app } = createApp(deps);
  const results: Graded[] = [];
  for (const q of DEMO_QUESTIONS) results.push(grade(q, await ask(app, q)));
  const points = results.reduce((s, r) => s + r.points, 0);
  return { results, points, max: 2 * results.length, close: built.close };
}

export function report(results: Graded[]): string {
  const lines = results.map((r) => `${r.points}/2  ${r.question.q}\n      → ${r.reply.text.replace(/\s+/g, ' ').slice(0, 240)}${r.misses.length ? `\n      ✗ ${r.misses.join('; ')}` : ''}`);
  const points = results.reduce((s, r) => s + r.points, 0);
  lines.push(`\n${points} of ${2 * results.length} points (${((100 * points) / (2 * results.length)).toFixed(1)}%)`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env: Record<string, string> = {};
  const model = process.argv.find((a) => a.startsWith('--embedder='))?.split('=')[1];
  if (model) env.EMBEDDING_MODEL = model;
  const run = await gradeDemo(env);
  console.log(process.argv.includes('--json') ? JSON.stringify(run.results.map((r) => ({ q: r.question.q, points: r.points, misses: r.misses, reply: r.reply })), null, 2) : report(run.results));
  await run.close();
}
