/**
 * Unanswered questions grouped by meaning, so the admin page shows "gift wrap (14)" once
 * rather than fourteen wordings of it. Two questions share a group when their embeddings are
 * close, or when their topic words (stemmed, stop words and framing words out) mostly match:
 * the lexical test catches what a hashed embedding misses ("gift wrapping" / "gift wrap"), and
 * keeps grouping working when the embedder is down.
 */
import type { Embedder, UnansweredQuestion } from '../core/ports';
import { cosine } from '../providers/embeddings/local';
import { isQueryNoise, stemAll, words } from '../text';

export interface QuestionGroup {
  /** The wording asked most often in the group (the newest among equals). */
  question: string;
  count: number;
  lastAt: Date;
  /** Other wordings, up to three, newest first. */
  variants: string[];
}

export interface GroupOptions {
  /** Cosine at or above which two questions are one (L2-normalised vectors). */
  minCosine?: number;
  /** Share of topic words at or above which two questions are one. */
  minOverlap?: number;
  /** Groups returned, most asked first. */
  limit?: number;
}

interface Member {
  text: string;
  at: Date;
  topics: Set<string>;
  vector: Float32Array | null;
}

const VARIANTS = 3;

/** `questions` newest first, as the repository returns them. */
export async function groupQuestions(questions: UnansweredQuestion[], embedder: Pick<Embedder, 'embed'> | null, opts: GroupOptions = {}): Promise<QuestionGroup[]> {
  const minCosine = opts.minCosine ?? 0.8;
  const minOverlap = opts.minOverlap ?? 0.5;
  const vectors = embedder && questions.length ? await embedder.embed(questions.map((q) => q.text), 'query').catch(() => null) : null;
  const groups: Member[][] = [];
  questions.forEach((q, i) => {
    const m: Member = { text: q.text.trim(), at: q.at, topics: topicsOf(q.text), vector: vectors?.[i] ?? null };
    const home = groups.find((g) => g.some((other) => alike(m, other, minCosine, minOverlap)));
    if (home) home.push(m);
    else groups.push([m]);
  });
  return groups
    .map(describe)
    .sort((a, b) => b.count - a.count || b.lastAt.getTime() - a.lastAt.getTime())
    .slice(0, opts.limit ?? 10);
}

function topicsOf(text: string): Set<string> {
  return new Set(stemAll(words(text).filter((w) => !isQueryNoise(w))));
}

function alike(a: Member, b: Member, minCosine: number, minOverlap: number): boolean {
  if (a.vector && b.vector && cosine(a.vector, b.vector) >= minCosine) return true;
  if (a.topics.size === 0 || b.topics.size === 0) return a.text.toLowerCase() === b.text.toLowerCase();
  let shared = 0;
  for (const t of a.topics) if (b.topics.has(t)) shared++;
  return shared / (a.topics.size + b.topics.size - shared) >= minOverlap;
}

function describe(members: Member[]): QuestionGroup {
  // Members are newest first: the first of each wording is its newest.
  const wordings = new Map<string, { text: string; n: number }>();
  for (const m of members) {
    const key = m.text.toLowerCase().replace(/[\s?!.]+$/u, '');
    const w = wordings.get(key);
    if (w) w.n++;
    else wordings.set(key, { text: m.text, n: 1 });
  }
  const ranked = [...wordings.values()].sort((a, b) => b.n - a.n);
  return {
    question: ranked[0].text,
    count: members.length,
    lastAt: members[0].at,
    variants: [...wordings.values()].filter((w) => w !== ranked[0]).slice(0, VARIANTS).map((w) => w.text),
  };
}
