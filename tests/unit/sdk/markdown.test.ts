import { describe, expect, it } from 'vitest';
import { parseMarkdown, safeUrl, inline } from '../../../sdk/panel/markdown';

describe('answer Markdown: parsing', () => {
  it('reads the constructs answers use', () => {
    const blocks = parseMarkdown('Hello **bold**, *it* and `code` [1].\nline two\n\n- a\n- b\n\n2. two\n3. three\n\n```\nx < y\n```');
    expect(blocks).toEqual([
      { t: 'p', c: ['Hello ', { t: 'b', c: ['bold'] }, ', ', { t: 'i', c: ['it'] }, ' and ', { t: 'code', v: 'code' }, ' ', { t: 'cite', n: 1 }, '.', { t: 'br' }, 'line two'] },
      { t: 'ul', items: [['a'], ['b']] },
      { t: 'ol', items: [['two'], ['three']], start: 2 },
      { t: 'pre', v: 'x < y' },
    ]);
  });

  it('keeps raw HTML as text', () => {
    expect(parseMarkdown('<script>alert(1)</script><img src=x onerror=alert(1)>')).toEqual([
      { t: 'p', c: ['<script>alert(1)</script><img src=x onerror=alert(1)>'] },
    ]);
  });

  it('keeps the words of a link with an unsafe scheme and drops the target', () => {
    for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'data:text/html;base64,PGI+eDwvYj4=', 'vbscript:x', '//evil.example/x']) {
      expect(inline(`[click](${href})`), href).toEqual(['click']);
    }
    // Not even link syntax: it stays exactly as written.
    expect(inline('[x](data:text/html,<b>x</b>)')).toEqual(['[x](data:text/html,<b>x</b>)']);
    expect(inline('[ok](https://example.com/a_(b))')).toEqual([{ t: 'a', href: 'https://example.com/a_(b)', c: ['ok'] }]);
    expect(inline('[rel](/help/shipping)')).toEqual([{ t: 'a', href: '/help/shipping', c: ['rel'] }]);
  });

  it('refuses hrefs that hide a scheme behind control characters or spaces', () => {
    expect(safeUrl('java\tscript:alert(1)')).toBeNull();
    expect(safeUrl('java\u0000script:alert(1)')).toBeNull();
    expect(safeUrl(' javascript:alert(1)')).toBeNull();
    // A backslash is a slash to a browser: these are links to another host.
    for (const u of ['\\\\evil.example', '/\\evil.example', '\\/evil.example', 'https:\\\\evil.example']) expect(safeUrl(u), u).toBeNull();
    expect(safeUrl('/help/returns')).toBe('/help/returns');
    expect(safeUrl('mailto:help@example.com')).toBe('mailto:help@example.com');
    expect(safeUrl('https://example.com')).toBe('https://example.com');
  });

  it('links bare URLs without their trailing punctuation', () => {
    expect(inline('See https://example.com/a_b.')).toEqual(['See ', { t: 'a', href: 'https://example.com/a_b', c: ['https://example.com/a_b'] }, '.']);
  });

  it('leaves unfinished syntax of a stream mid-way as typed, and intraword marks alone', () => {
    expect(inline('**unclosed and snake_case_word and 2*3*4')).toEqual(['**unclosed and snake_case_word and 2*3*4']);
    expect(inline('\\*not italic\\*')).toEqual(['*not italic*']);
  });
});
