/** The parser for a file, by extension. */
import type { Parser } from '../types';
import { parseCsv } from './csv';
import { parseHtml } from './html';
import { parseJson } from './json';
import { parseMarkdown } from './markdown';
import { parseText } from './text';

const PARSERS: Record<string, Parser> = {
  '.md': parseMarkdown,
  '.markdown': parseMarkdown,
  '.html': parseHtml,
  '.htm': parseHtml,
  '.txt': parseText,
  '.json': (source, content) => parseJson(source, content),
  '.csv': parseCsv,
};

export const SUPPORTED_EXTENSIONS = Object.keys(PARSERS);

export function parserFor(path: string): Parser | null {
  const m = /\.[^./\\]+$/.exec(path.toLowerCase());
  return (m && PARSERS[m[0]]) || null;
}

export { parseCsv, parseHtml, parseJson, parseMarkdown, parseText };
