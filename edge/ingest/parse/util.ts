/** Small helpers the parsers share: names, slugs, money and front matter. */
import { FileFormatError, type ParsedSection } from '../types';

/** "docs/returns-and-refunds.md" → "Returns and refunds". */
export function titleFromFileName(source: string): string {
  const base = source.split('#')[0].split('/').pop() ?? source;
  const stem = base.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ').trim();
  return stem ? stem[0].toUpperCase() + stem.slice(1) : base;
}

/** URL-safe key for a row, stable across runs so an unchanged row keeps its source. */
export function slugify(text: string, max = 80): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, max).replace(/-+$/, '') || 'row';
}

/** Gives each key a unique form within one file ("a", "a-2", "a-3"), in order of appearance. */
export function uniqueKeys(): (key: string) => string {
  const seen = new Map<string, number>();
  return (key) => {
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? key : `${key}-${n}`;
  };
}

/** Collapses runs of spaces and tabs, trims lines, and keeps at most one blank line between paragraphs. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Drops sections with no text; a file left with none is refused (it would give no chunk). */
export function nonEmptySections(source: string, sections: ParsedSection[]): ParsedSection[] {
  const kept = sections.map((s) => ({ headings: s.headings, text: tidyText(s.text) })).filter((s) => s.text.length > 0);
  if (kept.length === 0) throw new FileFormatError(source, 'has no text to index');
  return kept;
}

/** Refuses content that is clearly not text (a NUL byte never appears in a text file). */
export function assertText(source: string, content: string): void {
  if (content.includes('\u0000')) throw new FileFormatError(source, 'looks like a binary file, not text');
}

/**
 * "49.00", "$1,299.5", 49 → cents, in integer arithmetic so 0.1 + 0.2 never leaks into prices.
 * Returns null for anything that is not a non-negative amount with at most two decimals.
 */
export function toCents(value: string | number): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    const cents = Math.round(value * 100);
    return Math.abs(cents - value * 100) < 1e-6 ? cents : null;
  }
  const m = /^\s*[$€£]?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*$/.exec(value);
  if (!m) return null;
  const whole = Number(m[1].replace(/,/g, ''));
  const frac = Number((m[2] ?? '0').padEnd(2, '0'));
  return whole * 100 + frac;
}

export interface FrontMatter {
  data: Record<string, string>;
  body: string;
}

/**
 * A `---` block of `key: value` lines at the top of a file. Only flat scalar keys are read
 * (title, url, …): enough for a help page, without pulling in a YAML parser.
 */
export function splitFrontMatter(source: string, content: string): FrontMatter {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!/^---[ \t]*\n/.test(text)) return { data: {}, body: text };
  const end = text.search(/\n---[ \t]*(\n|$)/);
  if (end < 0) throw new FileFormatError(source, 'front matter opens with --- on line 1 but is never closed with ---');
  const block = text.slice(text.indexOf('\n') + 1, end);
  const body = text.slice(end + 1).replace(/^---[ \t]*\n?/, '');
  const data: Record<string, string> = {};
  block.split('\n').forEach((line, i) => {
    if (!line.trim() || line.trim().startsWith('#')) return;
    const m = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) throw new FileFormatError(source, `front matter line ${i + 2} is not "key: value": ${JSON.stringify(line)}`);
    data[m[1].toLowerCase()] = m[2].trim().replace(/^(["'])(.*)\1$/, '$2');
  });
  return { data, body };
}
