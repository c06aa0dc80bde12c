/**
 * HTML → sections by h1–h3. Page chrome (nav, footer) and non-text elements are dropped so
 * a menu repeated on every page does not end up in every chunk.
 */
import { HTMLElement, NodeType, parse, type Node } from 'node-html-parser';
import { FileFormatError, documentsOnly, type ParsedFile, type ParsedSection } from '../types';
import { assertText, nonEmptySections, tidyText, titleFromFileName } from './util';

const DROP = new Set(['script', 'style', 'nav', 'footer', 'noscript', 'template', 'svg', 'iframe', 'head']);
const SECTION_HEADINGS = new Set(['h1', 'h2', 'h3']);
const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'dd', 'details', 'div', 'dl', 'dt', 'figcaption', 'figure',
  'form', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'ol', 'p', 'section', 'summary', 'table', 'ul',
]);

export function parseHtml(source: string, content: string): ParsedFile {
  assertText(source, content);
  if (!/<[a-z!][^>]*>/i.test(content)) throw new FileFormatError(source, 'contains no HTML elements');
  const root = parse(content, { comment: false });

  const titleText = tidyText(root.querySelector('title')?.text ?? '');
  const h1Text = tidyText(root.querySelector('h1')?.text ?? '');
  const url =
    root.querySelector('link[rel="canonical"]')?.getAttribute('href') ??
    root.querySelector('meta[property="og:url"]')?.getAttribute('content') ??
    null;

  const walker = new SectionWalker();
  walker.visit(root.querySelector('body') ?? root);

  return documentsOnly([
    {
      source,
      kind: 'doc',
      title: titleText || h1Text || titleFromFileName(source),
      url: url?.trim() || null,
      sections: nonEmptySections(source, walker.finish()),
    },
  ]);
}

class SectionWalker {
  private sections: ParsedSection[] = [];
  private current: ParsedSection = { headings: [], text: '' };
  private path: { level: number; text: string }[] = [];
  private line = '';

  visit(node: Node): void {
    if (node.nodeType === NodeType.TEXT_NODE) {
      this.line += node.text.replace(/\s+/g, ' ');
      return;
    }
    if (!(node instanceof HTMLElement)) return;
    const tag = node.rawTagName?.toLowerCase() ?? '';
    if (DROP.has(tag) || node.getAttribute('hidden') !== undefined) return;

    if (SECTION_HEADINGS.has(tag)) return this.heading(Number(tag[1]), node.text);
    if (tag === 'br') {
      this.line += '\n';
      return;
    }
    if (tag === 'pre') {
      this.flush();
      this.paragraph(node.text);
      return;
    }
    if (tag === 'tr') {
      this.flush();
      const cells = node.childNodes.filter((c): c is HTMLElement => c instanceof HTMLElement);
      this.paragraph(cells.map((c) => c.text.replace(/\s+/g, ' ').trim()).join(' | '));
      return;
    }
    const block = BLOCKS.has(tag);
    if (block) this.flush();
    if (tag === 'li') this.line += '- ';
    for (const child of node.childNodes) this.visit(child);
    if (block) this.flush();
  }

  finish(): ParsedSection[] {
    this.flush();
    this.sections.push(this.current);
    return this.sections;
  }

  private heading(level: number, raw: string): void {
    this.flush();
    this.sections.push(this.current);
    const text = tidyText(raw).replace(/\n/g, ' ');
    while (this.path.length && this.path[this.path.length - 1].level >= level) this.path.pop();
    this.path.push({ level, text });
    this.current = { headings: this.path.map((p) => p.text), text: '' };
  }

  private flush(): void {
    const text = this.line;
    this.line = '';
    if (text.replace(/^[\s-]*$/, '')) this.paragraph(text);
  }

  private paragraph(raw: string): void {
    const text = tidyText(raw);
    if (text) this.current.text += (this.current.text ? '\n\n' : '') + text;
  }
}
