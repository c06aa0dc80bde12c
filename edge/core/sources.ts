import type { Source } from './ports';

/** Between two passages of one document inside one source: an answer never quotes across it. */
export const PASSAGE_JOIN = '\n…\n';

/**
 * How sources read in a prompt: "[n] title" then the passage, blank lines between. The answer
 * pipeline counts its context budget on this rendering and the LLM providers embed it, so the
 * budget counted is the budget spent.
 */
export function sourceHeader(s: Pick<Source, 'n' | 'title'>): string {
  return `[${s.n}] ${s.title}`;
}

export function renderSources(sources: Source[]): string {
  return sources.map((s) => `${sourceHeader(s)}\n${s.text}`).join('\n\n');
}
