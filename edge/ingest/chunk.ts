/**
 * Documents → chunks for retrieval. Headings split first (a chunk never straddles two
 * sections, and its title carries the heading path); a section too long for one chunk is
 * packed by paragraphs, then sentences, then words, within `maxTokens` of the production
 * tokenizer, each chunk repeating the last sentences of the one before (`overlapTokens`) so an
 * answer cut by a boundary is still whole in one of them.
 */
import { countTokens, truncateToTokens } from '../core/tokens';
import { splitSentences } from '../text/sentences';
import type { ParsedDocument } from './types';

export interface ChunkOptions {
  maxTokens?: number;
  overlapTokens?: number;
}

export interface Chunk {
  ord: number;
  /** Document title and heading path, e.g. "Returns › Refund timing". */
  title: string;
  url: string | null;
  content: string;
  tokens: number;
}

export const DEFAULT_CHUNKING = { maxTokens: 350, overlapTokens: 50 } as const;
export const TITLE_SEPARATOR = ' › ';

interface Unit {
  text: string;
  tokens: number;
  /** What joins it to the unit before: a paragraph break, a line break or a space. */
  sep: string;
}

export function chunkDocument(doc: ParsedDocument, opts: ChunkOptions = {}): Chunk[] {
  const maxTokens = opts.maxTokens ?? DEFAULT_CHUNKING.maxTokens;
  if (!(maxTokens >= 8)) throw new Error(`maxTokens must be at least 8 (got ${maxTokens})`);
  // More overlap than half a chunk would make chunks mostly repeat each other.
  const overlapTokens = Math.max(0, Math.min(opts.overlapTokens ?? DEFAULT_CHUNKING.overlapTokens, Math.floor(maxTokens / 2)));

  const chunks: Chunk[] = [];
  for (const section of doc.sections) {
    const text = section.text.trim();
    if (!text) continue;
    const title = titlePath(doc.title, section.headings);
    const tokens = countTokens(text);
    const pieces = tokens <= maxTokens ? [{ content: text, tokens }] : pack(toUnits(text, maxTokens), maxTokens, overlapTokens);
    for (const piece of pieces) chunks.push({ ord: chunks.length, title, url: doc.url, ...piece });
  }
  return chunks;
}

/** "Returns and refunds" + ["Returns and refunds", "Refund timing"] → "Returns and refunds › Refund timing". */
export function titlePath(docTitle: string, headings: string[]): string {
  const path = [...headings];
  if (path.length && path[0].trim().toLowerCase() === docTitle.trim().toLowerCase()) path.shift();
  return [docTitle, ...path].filter(Boolean).join(TITLE_SEPARATOR);
}

/** Paragraphs that fit stay whole; longer ones become sentences; longer sentences, word runs. */
function toUnits(text: string, max: number): Unit[] {
  const units: Unit[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const p = paragraph.trim();
    if (!p) continue;
    const tokens = countTokens(p);
    if (tokens <= max) {
      units.push({ text: p, tokens, sep: '\n\n' });
      continue;
    }
    p.split('\n').forEach((line, li) => {
      splitSentences(line).forEach((sentence, si) => {
        splitLong(sentence, max).forEach((piece, pi) => {
          const sep = si > 0 || pi > 0 ? ' ' : li > 0 ? '\n' : '\n\n';
          units.push({ ...piece, sep });
        });
      });
    });
  }
  return units;
}

function splitLong(sentence: string, max: number): { text: string; tokens: number }[] {
  const tokens = countTokens(sentence);
  if (tokens <= max) return [{ text: sentence, tokens }];
  const out: { text: string; tokens: number }[] = [];
  let cur = '';
  const push = () => {
    if (cur) out.push({ text: cur, tokens: countTokens(cur) });
    cur = '';
  };
  for (let word of sentence.split(/\s+/)) {
    // A single "word" beyond the bound (a long URL, a base64 blob) is cut on token boundaries.
    while (countTokens(word) > max) {
      push();
      const head = truncateToTokens(word, max);
      out.push({ text: head, tokens: countTokens(head) });
      word = word.slice(head.length);
    }
    const next = cur ? `${cur} ${word}` : word;
    if (cur && countTokens(next) > max) {
      push();
      cur = word;
    } else cur = next;
  }
  push();
  return out.filter((p) => p.text.trim());
}

function join(units: Unit[]): string {
  return units.map((u, i) => (i === 0 ? u.text : u.sep + u.text)).join('');
}

function pack(units: Unit[], max: number, overlap: number): { content: string; tokens: number }[] {
  const out: { content: string; tokens: number }[] = [];
  const queue = [...units];
  let cur: Unit[] = [];
  let fresh = 0; // units in `cur` that are not overlap from the chunk before
  let sum = 0;

  const emit = () => {
    // Token counts are not exactly additive across a join: check the real count, and hand
    // back units (never the last fresh one) until it fits.
    let content = join(cur);
    let tokens = countTokens(content);
    while (tokens > max && fresh > 1) {
      queue.unshift(cur.pop()!);
      fresh--;
      content = join(cur);
      tokens = countTokens(content);
    }
    while (tokens > max && cur.length > 1) {
      cur.shift(); // drop overlap before going over the bound
      content = join(cur);
      tokens = countTokens(content);
    }
    out.push({ content, tokens });
  };

  while (queue.length) {
    const unit = queue.shift()!;
    if (fresh > 0 && sum + unit.tokens + 1 > max) {
      emit();
      cur = overlapTail(cur, Math.min(overlap, max - unit.tokens - 1));
      sum = cur.reduce((n, u) => n + u.tokens + 1, 0);
      fresh = 0;
    }
    cur.push(unit);
    sum += unit.tokens + 1;
    fresh++;
  }
  if (fresh > 0) emit();
  return out;
}

/** The trailing sentences of a chunk that fit in `budget` tokens, to open the next one. */
function overlapTail(units: Unit[], budget: number): Unit[] {
  const tail: Unit[] = [];
  let used = 0;
  for (let i = units.length - 1; i >= 0; i--) {
    const sentences = splitSentences(units[i].text);
    for (let j = sentences.length - 1; j >= 0; j--) {
      const tokens = countTokens(sentences[j]);
      if (used + tokens + 1 > budget) return tail;
      tail.unshift({ text: sentences[j], tokens, sep: j === 0 ? units[i].sep : ' ' });
      used += tokens + 1;
    }
  }
  return tail;
}
