/**
 * Sentence selection for the extractive answerer: which sentences of the sources answer the
 * question, scored by stemmed overlap, with a preference for higher-ranked sources.
 */
import type { Source } from '../../core/ports';
import { isQueryNoise, isStopword, splitSentences, stem, words } from '../../text';
import { withinOneEdit } from '../rerank/local';

export interface Candidate {
  source: Source;
  /** Position within the source, to keep the source's reading order. */
  pos: number;
  text: string;
  stems: Set<string>;
  score: number;
}

export function questionTerms(question: string): string[] {
  const all = words(question);
  let content = all.filter((w) => !isQueryNoise(w));
  if (content.length === 0) content = all.filter((w) => !isStopword(w));
  return [...new Set(content.map(stem))];
}

/** "How long…? It takes…" or "Q: … A: …": the question and answer parts of an FAQ text. */
export function splitFaq(text: string): { question: string; answer: string } | null {
  const m = /^\s*(?:q(?:uestion)?\s*[:.]\s*)?([^?\n]{3,300}\?)\s*(?:a(?:nswer)?\s*[:.]\s*)?([\s\S]+)$/iu.exec(text);
  if (!m || !m[2].trim()) return null;
  return { question: m[1].trim(), answer: m[2].trim() };
}

/** Every answerable sentence of every source, scored against the question terms. */
export function scoreSentences(terms: string[], sources: Source[]): Candidate[] {
  const out: Candidate[] = [];
  if (terms.length === 0) return out;
  const ranks = [...new Set(sources.map((s) => s.n))].sort((a, b) => a - b);
  for (const source of sources) {
    // The best-ranked source keeps its score; each later rank gives up 10% (at most 40%).
    const prior = 1 - 0.1 * Math.min(4, ranks.indexOf(source.n));
    const titleCov = coverage(terms, stemSet(source.title));
    const faq = source.kind === 'faq' ? splitFaq(source.text) : null;
    const body = faq ? faq.answer : source.text;
    const questionCov = faq ? coverage(terms, stemSet(faq.question)) : 0;
    splitSentences(body).forEach((raw, pos) => {
      const text = plain(raw);
      if (!isAnswerSentence(text)) return;
      const stems = stemSet(text);
      const own = coverage(terms, stems);
      // An FAQ's answer rarely repeats the question's words: its question speaks for it.
      const match = faq ? Math.max(own, 0.4 * own + 0.6 * questionCov) : 0.8 * own + 0.2 * titleCov * Math.min(1, own * 3);
      if (match <= 0) return;
      out.push({ source, pos, text, stems, score: match * prior });
    });
  }
  return out;
}

/** Up to `max` sentences: the best, then others nearly as good that add something new. */
export function pickSentences(cands: Candidate[], opts: { max: number; minScore: number; maxWords: number }): Candidate[] {
  const sorted = cands.slice().sort((a, b) => b.score - a.score);
  const best = sorted[0];
  if (!best || best.score < opts.minScore) return [];
  const picked = [best];
  let wordCount = countWords(best.text);
  for (const c of sorted.slice(1)) {
    if (picked.length >= opts.max) break;
    if (c.score < Math.max(opts.minScore, best.score * 0.6)) break;
    if (picked.some((p) => jaccard(p.stems, c.stems) >= 0.6)) continue;
    const n = countWords(c.text);
    if (wordCount + n > opts.maxWords) continue;
    picked.push(c);
    wordCount += n;
  }
  // Read in rank order, and in each source's own order.
  return picked.sort((a, b) => a.source.n - b.source.n || a.pos - b.pos);
}

function coverage(terms: string[], stems: Set<string>): number {
  let hit = 0;
  for (const t of terms) {
    if (stems.has(t)) hit += 1;
    else if (t.length >= 4) {
      for (const s of stems) {
        if (withinOneEdit(t, s)) {
          hit += 0.6;
          break;
        }
      }
    }
  }
  return hit / terms.length;
}

function stemSet(text: string): Set<string> {
  const out = new Set<string>();
  for (const w of words(text)) if (!isStopword(w)) out.add(stem(w));
  return out;
}

/** Markdown, list syntax and footnote marks off, so the answer reads as prose. */
export function plain(sentence: string): string {
  return sentence
    .replace(/!?\[([^\]]*)\]\([^)]*\)/gu, '$1')
    .replace(/(\*\*|__|`)/gu, '')
    // Bracketed numbers in the source would read as citations of other sources.
    .replace(/\s*\[\d{1,3}\]/gu, '')
    .replace(/^\s*(?:#{1,6}\s+|[-*+•]\s+|\d+[.)]\s+|>\s*)/u, '')
    .replace(/^…\s*|\s*…$/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Headings, questions and fragments are not answers. */
function isAnswerSentence(text: string): boolean {
  if (text.endsWith('?') || text.endsWith(':')) return false;
  const n = countWords(text);
  if (n < 3) return false;
  // A short line with no closing punctuation is a heading or a label.
  return /[.!)"'”]$/u.test(text) || n >= 7;
}

function countWords(text: string): number {
  return text.split(/\s+/u).filter(Boolean).length;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  const union = a.size + b.size - inter;
  return union === 0 ? 0 : inter / union;
}
