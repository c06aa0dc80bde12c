import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../../edge/ingest/parse/markdown';

describe('parseMarkdown', () => {
  it('splits by heading with the heading path, and keeps list, table and code text without markup', () => {
    const md = [
      '# Returns',
      '',
      'Intro with **bold**, a [link](/x) and `code` &amp; an entity.',
      '',
      '## Refund timing',
      '',
      '- first item',
      '- second *item*',
      '',
      '### Banks',
      '',
      '| Bank | Days |',
      '|---|---|',
      '| Any | 3–10 |',
      '',
      '## Exchanges',
      '',
      '```',
      'npm run x',
      '```',
    ].join('\n');
    const file = parseMarkdown('docs/returns.md', md);
    expect(file.products).toEqual([]);
    expect(file.orders).toEqual([]);
    const [doc] = file.documents;
    expect(doc).toMatchObject({ source: 'docs/returns.md', kind: 'doc', title: 'Returns', url: null });
    expect(doc.sections.map((s) => s.headings)).toEqual([
      ['Returns'],
      ['Returns', 'Refund timing'],
      ['Returns', 'Refund timing', 'Banks'],
      ['Returns', 'Exchanges'],
    ]);
    expect(doc.sections[0].text).toBe('Intro with bold, a link and code & an entity.');
    expect(doc.sections[1].text).toBe('- first item\n- second item');
    expect(doc.sections[2].text).toBe('Bank | Days\nAny | 3–10');
    expect(doc.sections[3].text).toBe('npm run x');
  });

  it('takes title and url from front matter, before the first H1', () => {
    const [doc] = parseMarkdown('a.md', '---\ntitle: "Shipping help"\nurl: /help/shipping\n---\n# Shipping\n\nText.').documents;
    expect(doc.title).toBe('Shipping help');
    expect(doc.url).toBe('/help/shipping');
    expect(doc.sections).toEqual([{ headings: ['Shipping'], text: 'Text.' }]);
  });

  it('falls back to the file name for the title, and keeps text before any heading', () => {
    const [doc] = parseMarkdown('docs/care-and-repair.md', 'Plain intro.\n\n## Tents\n\nDry them.').documents;
    expect(doc.title).toBe('Care and repair');
    expect(doc.sections).toEqual([
      { headings: [], text: 'Plain intro.' },
      { headings: ['Tents'], text: 'Dry them.' },
    ]);
  });

  it('drops headings without text', () => {
    const [doc] = parseMarkdown('a.md', '# A\n\n## Empty\n\n## Full\n\nBody.').documents;
    expect(doc.sections).toEqual([{ headings: ['A', 'Full'], text: 'Body.' }]);
  });

  it('refuses unclosed front matter, naming the file', () => {
    expect(() => parseMarkdown('docs/bad.md', '---\ntitle: x\n# Heading\n\ntext')).toThrow(/^docs\/bad\.md: front matter .* never closed/);
  });

  it('refuses a malformed front matter line and a file without text', () => {
    expect(() => parseMarkdown('docs/bad.md', '---\njust words\n---\ntext')).toThrow(/^docs\/bad\.md: front matter line 2/);
    expect(() => parseMarkdown('docs/empty.md', '# Only a heading\n')).toThrow('docs/empty.md: has no text to index');
  });
});
