/**
 * The embedded reranker: relevance of each candidate to the query, mapped through a logistic
 * to a 0..1 score that means the same across queries (confidence is built on it).
 * Lexical features: weighted query-term coverage (with one-edit typo credit), BM25 tf
 * saturation with IDF over the candidate set, query-bigram matches and title matches.
 * Blended with the candidate's cosine from the vector search when the embedder's cosines were
 * measured (embeddings/profiles.ts): purely lexical, it would re-rank a sentence model's good
 * order back toward full text's. Without any cosine (vector side off) it is lexical alone.
 */
import type { Reranked, RerankCandidate, Reranker } from '../../core/ports';
import { embeddingProfile, type VectorBlend } from '../embeddings/profiles';
import { isQueryNoise, isStopword, stem, words } from '../../text';
import { QUERY_FRAME_WORDS, STOPWORDS } from '../../text/stopwords';
import { correct, withinOneEdit } from '../../text/typos';
import { BoundedMap } from '../../core/bounded-map';

const K1 = 1.2;
const B = 0.75;
/** Credit for a query term found only with a one-letter typo (stems of 5+ letters: "take"/"taken" is no typo). */
const FUZZY_CREDIT = 0.6;
// Logistic weights: every query term covered lands near 0.85 (higher with phrase and title
// evidence); two of three terms near 0.55; one of three under 0.2; nothing near 0.03. The
// title weight was tuned on the StackFAQ dev half, where a help article's title is its question.
const BIAS = -3.4;
const W_COVERAGE = 5;
const W_BM25 = 1.0;
const W_TITLE = 1.2;
const W_PHRASE = 0.8;

export interface RerankFeatures {
  coverage: number;
  bm25: number;
  title: number;
  phrase: number;
  /** The cosine from the vector search, when any candidate of the query has one. */
  vector?: number;
}

interface Doc {
  tf: Map<string, number>;
  title: Set<string>;
  /** The stems of the text's and the title's content words, in order (for phrase matches). */
  seq: string[];
  titleSeq: string[];
  length: number;
}

export class LocalReranker implements Reranker {
  readonly name = 'local';
  private readonly blend: VectorBlend | null;

  /** `embeddingModel`: whose cosines `RerankCandidate.vector` carries (selects the blend). */
  constructor(o: { embeddingModel?: string } = {}) {
    this.blend = embeddingProfile(o.embeddingModel).blend;
  }

  async rerank(query: string, candidates: RerankCandidate[], topN: number): Promise<Reranked[]> {
    const scores = this.scores(query, candidates);
    return candidates
      .map((c, i) => ({ id: c.id, score: scores[i], i }))
      .sort((a, b) => b.score - a.score || a.i - b.i)
      .slice(0, Math.max(0, topN))
      .map(({ id, score }) => ({ id, score }));
  }

  /** Relevance of every candidate, in input order. */
  scores(query: string, candidates: RerankCandidate[]): number[] {
    return this.features(query, candidates).map((f) => relevance(f, this.blend));
  }

  features(query: string, candidates: RerankCandidate[]): RerankFeatures[] {
    const docs = candidates.map((c) => analysed(c.title, c.text));
    const vocab = new Vocabulary(docs);
    const q = queryTerms(query, vocab);
    const cosines = vectorFeature(candidates);
    if (q.terms.length === 0 || docs.length === 0) return docs.map((_, i) => ({ coverage: 0, bm25: 0, title: 0, phrase: 0, ...cosines(i) }));

    const n = docs.length;
    const avgLength = docs.reduce((s, d) => s + d.length, 0) / n || 1;
    const idf = q.terms.map((t) => {
      let df = 0;
      for (const d of docs) if (d.tf.has(t) || d.title.has(t)) df++;
      return Math.log(1 + (n - df + 0.5) / (df + 0.5));
    });
    // Coverage counts every term alike: IDF over a handful of candidates is too noisy to say
    // which words of the question matter (it would make "long" in "how long" the key term).
    // A corrected typo counts as much as a one-letter near match: less than the word itself.
    const weight = q.terms.map((t) => (q.corrected.has(t) ? FUZZY_CREDIT : 1));
    const totalWeight = q.terms.length;
    const bm25Max = idf.reduce((a, b) => a + b, 0) * (K1 + 1) || 1;
    // A term's one-letter neighbours among all the candidates' words, found once per query
    // (and only for a term some candidate lacks) rather than once per candidate.
    const nearOf = new Map<number, string[]>();
    const near = (i: number) => {
      let found = nearOf.get(i);
      if (!found) nearOf.set(i, (found = fuzzy(q.terms[i]) ? nearTerms(q.terms[i], vocab.df) : []));
      return found;
    };

    return docs.map((d, di) => {
      let covered = 0;
      let inTitle = 0;
      let bm25 = 0;
      q.terms.forEach((t, i) => {
        const tf = d.tf.get(t) ?? 0;
        const titled = d.title.has(t);
        if (tf > 0 || titled) covered += weight[i];
        else if (near(i).some((u) => d.tf.has(u) || d.title.has(u))) covered += weight[i] * FUZZY_CREDIT;
        if (titled) inTitle += weight[i];
        if (tf > 0) bm25 += (idf[i] * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * d.length) / avgLength));
      });
      const coverage = covered / totalWeight;
      let phrase = coverage; // a one-term query has no bigram to miss
      if (q.bigrams.length > 0) {
        let hits = 0;
        for (const [a, b] of q.bigrams) if (hasPair(d.seq, a, b) || hasPair(d.titleSeq, a, b)) hits++;
        phrase = hits / q.bigrams.length;
      }
      return { coverage, bm25: bm25 / bm25Max, title: inTitle / totalWeight, phrase, ...cosines(di) };
    });
  }
}

/**
 * Each candidate's cosine. One only full text found has none: the vector search ranked it
 * below its last hit, so it gets the lowest cosine among the others (an upper bound). When
 * no candidate has one (the vector side was off), there is no vector feature at all.
 */
function vectorFeature(candidates: RerankCandidate[]): (i: number) => { vector?: number } {
  let floor = Infinity;
  for (const c of candidates) if (typeof c.vector === 'number' && Number.isFinite(c.vector)) floor = Math.min(floor, c.vector);
  if (floor === Infinity) return () => ({});
  return (i) => {
    const v = candidates[i].vector;
    return { vector: typeof v === 'number' && Number.isFinite(v) ? v : floor };
  };
}

/** The 0..1 relevance: lexical evidence, plus the cosine as `blend` reads it when there is one. */
export function relevance(f: RerankFeatures, blend: VectorBlend | null = null): number {
  const lexical = W_COVERAGE * f.coverage + W_BM25 * f.bm25 + W_TITLE * f.title + W_PHRASE * f.phrase;
  let z = BIAS + lexical;
  if (blend && f.vector !== undefined) {
    const v = Math.min(1, Math.max(0, (f.vector - blend.low) / (blend.high - blend.low)));
    z = BIAS + blend.lexicalScale * lexical + blend.weight * v;
  }
  return 1 / (1 + Math.exp(-z));
}

/**
 * Stems the candidates use, with how many use each: the vocabulary a typo is corrected to.
 * Counted only when a correction needs it; most questions' words are all found as they are.
 */
class Vocabulary {
  private counted: Map<string, number> | null = null;
  constructor(private readonly docs: Doc[]) {}

  has(s: string): boolean {
    return this.counted ? this.counted.has(s) : this.docs.some((d) => d.tf.has(s) || d.title.has(s));
  }

  get df(): Map<string, number> {
    if (this.counted) return this.counted;
    const df = new Map<string, number>();
    for (const d of this.docs) {
      for (const s of d.tf.keys()) df.set(s, (df.get(s) ?? 0) + 1);
      for (const s of d.title) if (!d.tf.has(s)) df.set(s, (df.get(s) ?? 0) + 1);
    }
    return (this.counted = df);
  }
}

const NOISE = { df: new Map([...STOPWORDS, ...QUERY_FRAME_WORDS].map((w) => [w, 1])) };
/** Typos are corrected in words of five letters or more: shorter ones have too many neighbours. */
const MIN_TYPO_LENGTH = 5;

/**
 * A query word no candidate uses is most likely misspelt: "retrun" counts as "return" when a
 * candidate says it, and "dosnt" as the function word "doesnt" (noise, like the rest of them),
 * the way full text corrects the question against the site's vocabulary.
 */
function spellFix(word: string, vocab: Vocabulary): string | null {
  const s = stem(word);
  if (word.length < MIN_TYPO_LENGTH || vocab.has(s) || /\d/.test(word)) return s;
  if (correct(word, NOISE) !== null) return null;
  const fixed = correct(s, { df: vocab.df });
  if (fixed === null) return s;
  return isQueryNoise(fixed) ? null : fixed;
}

function queryTerms(query: string, vocab: Vocabulary): { terms: string[]; bigrams: [string, string][]; corrected: Set<string> } {
  const all = words(query);
  let content = all.filter((w) => !isQueryNoise(w) && spellFix(w, vocab) !== null);
  // "how are you" is all function words: match on them rather than on nothing.
  if (content.length === 0) content = all.filter((w) => !isStopword(w));
  if (content.length === 0) content = all;
  const corrected = new Set<string>();
  const stems = content.map((w) => {
    const s = spellFix(w, vocab) ?? stem(w);
    if (s !== stem(w)) corrected.add(s);
    return s;
  });
  const bigrams = new Map<string, [string, string]>();
  for (let i = 1; i < stems.length; i++) bigrams.set(`${stems[i - 1]} ${stems[i]}`, [stems[i - 1], stems[i]]);
  return { terms: [...new Set(stems)], bigrams: [...bigrams.values()], corrected };
}

/**
 * A candidate's terms, by its title and text: the same chunks come back question after
 * question, and analysing them was most of a rerank's time. Keyed by the text itself, the
 * string the index holds, whose hash is computed once; a key joined from title and text was
 * a new string, hashed in full, for every candidate of every question. Docs are never mutated.
 */
const analysedTexts = new BoundedMap<string, { title: string; doc: Doc }>(4096);

function analysed(title: string, text: string): Doc {
  const hit = analysedTexts.get(text);
  if (hit && hit.title === title) return hit.doc;
  const doc = analyse(title, text);
  analysedTexts.set(text, { title, doc });
  return doc;
}

function analyse(titleText: string, body: string): Doc {
  const tf = new Map<string, number>();
  const seq: string[] = [];
  const text = words(body);
  for (const w of text) {
    const s = stem(w);
    tf.set(s, (tf.get(s) ?? 0) + 1);
    if (!isStopword(w)) seq.push(s);
  }
  const title = new Set<string>();
  const titleSeq: string[] = [];
  for (const w of words(titleText)) {
    const s = stem(w);
    title.add(s);
    if (!isStopword(w)) titleSeq.push(s);
  }
  return { tf, title, seq, titleSeq, length: text.length };
}

/** `a` directly followed by `b` among the content words. */
function hasPair(seq: string[], a: string, b: string): boolean {
  for (let i = seq.indexOf(a); i !== -1 && i < seq.length - 1; i = seq.indexOf(a, i + 1)) if (seq[i + 1] === b) return true;
  return false;
}

/**
 * Whether a term may be matched with a one-letter typo: a stem of five letters or more
 * ("take"/"taken" is no typo), and no digit in it, as in spellFix: order 10234 is not 10243.
 */
function fuzzy(term: string): boolean {
  return term.length >= MIN_TYPO_LENGTH && !/\d/.test(term);
}

function nearTerms(t: string, vocab: Map<string, number>): string[] {
  const out: string[] = [];
  for (const u of vocab.keys()) if (withinOneEdit(t, u)) out.push(u);
  return out;
}
