/**
 * Markdown → one section per heading, read with marked's lexer (no rendering), so lists,
 * tables and code keep their text while the markup goes.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import { parse as parseHtml } from 'node-html-parser';
import { documentsOnly, type ParsedFile, type ParsedSection } from '../types';
import { assertText, nonEmptySections, splitFrontMatter, tidyText, titleFromFileName } from './util';

export function parseMarkdown(source: string, content: string): ParsedFile {
  assertText(source, content);
  const { data, body } = splitFrontMatter(source, content);
  const tokens = new Lexer({ gfm: true }).lex(body);

  const sections: ParsedSection[] = [];
  const path: { depth: number; text: string }[] = [];
  let firstH1: string | null = null;
  let current: ParsedSection = { headings: [], text: '' };

  for (const token of tokens) {
    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      const text = tidyText(inlineText(heading.tokens)).replace(/\n/g, ' ');
      if (heading.depth === 1 && firstH1 === null) firstH1 = text;
      sections.push(current);
      while (path.length && path[path.length - 1].depth >= heading.depth) path.pop();
      path.push({ depth: heading.depth, text });
      current = { headings: path.map((p) => p.text), text: '' };
      continue;
    }
    const text = blockText(token);
    if (text) current.text += (current.text ? '\n\n' : '') + text;
  }
  sections.push(current);

  return documentsOnly([
    {
      source,
      kind: 'doc',
      title: data.title || firstH1 || titleFromFileName(source),
      url: data.url || null,
      sections: nonEmptySections(source, sections),
    },
  ]);
}

function blockText(token: Token): string {
  switch (token.type) {
    case 'paragraph':
    case 'text':
      return 'tokens' in token && token.tokens ? inlineText(token.tokens) : decode(token.text);
    case 'list': {
      const list = token as Tokens.List;
      const start = typeof list.start === 'number' ? list.start : 1;
      return list.items
        .map((item, i) => `${list.ordered ? `${start + i}.` : '-'} ${blocksText(item.tokens).replace(/\n/g, '\n  ')}`)
        .join('\n');
    }
    case 'blockquote':
      return blocksText((token as Tokens.Blockquote).tokens);
    case 'code':
      return (token as Tokens.Code).text;
    case 'table': {
      const table = token as Tokens.Table;
      const row = (cells: Tokens.TableCell[]) => cells.map((c) => inlineText(c.tokens)).join(' | ');
      return [row(table.header), ...table.rows.map(row)].join('\n');
    }
    case 'html':
      return htmlText(token.text);
    default:
      // space, hr, def: no text of their own.
      return '';
  }
}

function blocksText(tokens: Token[]): string {
  return tokens
    .map(blockText)
    .filter((t) => t.length > 0)
    .join('\n');
}

function inlineText(tokens: Token[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.type === 'br') out += '\n';
    else if (t.type === 'html') out += /^<br\s*\/?>$/i.test(t.text.trim()) ? '\n' : htmlText(t.text);
    else if (t.type === 'codespan' || t.type === 'escape') out += t.text;
    else if ('tokens' in t && t.tokens && t.tokens.length) out += inlineText(t.tokens);
    else if ('text' in t && typeof t.text === 'string') out += decode(t.text);
  }
  return out;
}

function htmlText(html: string): string {
  return parseHtml(html).textContent.trim();
}

// The lexer keeps entities as written ("&amp;"); the text the index sees should not.
function decode(text: string): string {
  return text.includes('&') ? parseHtml(text).textContent : text;
}
