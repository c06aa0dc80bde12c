/**
 * Turns reranked chunks into the numbered sources the answer cites, within a token budget
 * counted with the production tokenizer, on the rendering the prompts embed (core/sources).
 */
import type { ChunkRow, Source } from '../core/ports';
import { PASSAGE_JOIN, sourceHeader } from '../core/sources';
import { countTokens, truncateToTokens } from '../core/tokens';
import { memoize } from '../text/memo';

/** Tokens reserved per source beyond its header and text: separators, and BPE merges at joins. */
export const SOURCE_OVERHEAD_TOKENS = 3;
/** A cut passage shorter than this says too little to be worth a citation. */
const MIN_PASSAGE_TOKENS = 24;
/** A passage joined to its source's last one costs the join and a merge at the seam. */
const JOIN_COST = countTokens(PASSAGE_JOIN) + 1;
/** Headers (number and title) recur from question to question; they are short, so counted apart from passages. */
const headerTokens = memoize(2048, countTokens);

interface Draft {
  n: number;
  first: ChunkRow;
  parts: { ord: number; text: string }[];
}

/**
 * Sources numbered 1..n in rank order. The budget is spent in rank order, chunk by chunk; a
 * chunk of a document already cited joins that source (read in document order, under its own
 * section title when that differs) instead of taking a new number, and the passage that
 * reaches the budget is cut to fit.
 */
export function buildContext(ranked: { chunk: ChunkRow; score: number }[], maxTokens: number): Source[] {
  const drafts = new Map<string, Draft>();
  const seen = new Set<string>();
  let used = 0;
  for (const { chunk } of inRankOrder(ranked)) {
    const text = chunk.content.trim();
    const key = `${chunk.documentId}\u0000${squash(text)}`;
    if (!text || seen.has(key)) continue;
    seen.add(key);

    const draft = drafts.get(chunk.documentId);
    const n = draft?.n ?? drafts.size + 1;
    const overhead = draft ? JOIN_COST : headerTokens(sourceHeader({ n, title: chunk.title })) + SOURCE_OVERHEAD_TOKENS;
    const room = maxTokens - used - overhead;
    // A passage from another section of an already-cited document says which section it is.
    const titled = draft && chunk.title !== draft.first.title ? `${chunk.title}\n${text}` : text;
    let fitted = titled;
    let cost = countTokens(titled);
    if (cost > room) {
      if (room < MIN_PASSAGE_TOKENS) break;
      fitted = cutAtBoundary(truncateToTokens(titled, room));
      cost = countTokens(fitted);
      if (cost < MIN_PASSAGE_TOKENS || cost > room) break;
    }
    if (draft) draft.parts.push({ ord: chunk.ord, text: fitted });
    else drafts.set(chunk.documentId, { n, first: chunk, parts: [{ ord: chunk.ord, text: fitted }] });
    used += overhead + cost;
    if (fitted !== titled) break; // the budget is spent
  }
  return [...drafts.values()].map((d) => ({
    n: d.n,
    title: d.first.title,
    ...(d.first.url ? { url: d.first.url } : {}),
    text: d.parts
      .sort((a, b) => a.ord - b.ord)
      .map((p) => p.text)
      .join(PASSAGE_JOIN),
    kind: d.first.kind,
  }));
}

function inRankOrder(ranked: { chunk: ChunkRow; score: number }[]) {
  return ranked.map((r, i) => ({ ...r, i })).sort((a, b) => b.score - a.score || a.i - b.i);
}

function squash(text: string): string {
  return text.replace(/\s+/gu, ' ').toLowerCase();
}

/** A token cut can end mid-word: back off to the last sentence end, or else the last space. */
function cutAtBoundary(text: string): string {
  const sentenceEnd = Math.max(text.lastIndexOf('. '), text.lastIndexOf('.\n'), text.lastIndexOf('? '), text.lastIndexOf('! '));
  if (sentenceEnd > text.length * 0.6) return text.slice(0, sentenceEnd + 1);
  const space = text.search(/\s\S*$/u);
  return (space > 0 ? text.slice(0, space) : text).trimEnd();
}
