/**
 * Plain text → paragraphs. A short first line standing alone is the title; a short line
 * standing alone without end punctuation, followed by more text, is read as a heading
 * (the way people write care guides and notices in .txt).
 */
import { documentsOnly, type ParsedFile, type ParsedSection } from '../types';
import { assertText, nonEmptySections, tidyText, titleFromFileName } from './util';

const MAX_TITLE_CHARS = 100;
const MAX_HEADING_CHARS = 60;

export function parseText(source: string, content: string): ParsedFile {
  assertText(source, content);
  const paragraphs = tidyText(content.replace(/^\uFEFF/, ''))
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);

  let title = titleFromFileName(source);
  const first = paragraphs[0];
  if (first && paragraphs.length > 1 && standsAlone(first, MAX_TITLE_CHARS)) {
    title = first.replace(/^[=#*\s]+|[=#*\s]+$/g, '') || title;
    paragraphs.shift();
  }

  const sections: ParsedSection[] = [];
  let current: ParsedSection = { headings: [], text: '' };
  paragraphs.forEach((p, i) => {
    if (i < paragraphs.length - 1 && standsAlone(p, MAX_HEADING_CHARS)) {
      sections.push(current);
      current = { headings: [p.replace(/[:\s]+$/, '')], text: '' };
      return;
    }
    current.text += (current.text ? '\n\n' : '') + p;
  });
  sections.push(current);

  return documentsOnly([{ source, kind: 'doc', title, url: null, sections: nonEmptySections(source, sections) }]);
}

/** One short line that does not end like a sentence and is not a list item: a title or heading. */
function standsAlone(p: string, maxChars: number): boolean {
  return !p.includes('\n') && p.length <= maxChars && !/[.!;,]$/.test(p) && !/^([-*•]|\d+[.)])\s/.test(p);
}
