// @vitest-environment happy-dom
import { render } from 'lit/html.js';
import { describe, expect, it } from 'vitest';
import { markdown } from '../../../sdk/panel/markdown-view';

function show(text: string, citations = [{ n: 1, title: 'Shipping', url: '/help/shipping', snippet: 'Orders leave the same day.' }]) {
  const el = document.createElement('div');
  document.body.append(el);
  render(markdown(text, citations), el);
  return el;
}

describe('answer Markdown: rendering', () => {
  it('renders a script tag in answer text as inert text', () => {
    const el = show('Hi <script>window.pwned = 1</script> <img src=x onerror="window.pwned=2"> **there**');
    expect(el.querySelector('script, img')).toBeNull();
    expect(el.textContent).toContain('<script>window.pwned = 1</script>');
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
    expect(el.querySelector('strong')?.textContent).toBe('there');
  });

  it('renders a javascript: link as plain words, and safe links into a new tab with noopener', () => {
    const el = show('[bad](javascript:alert(1)) and [good](https://example.com/x) and https://example.org');
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.com/x', 'https://example.org']);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toContain('noopener');
    }
    expect(el.textContent).toContain('bad and good');
  });

  it('turns [n] into a link to that citation, and leaves unknown numbers as text', () => {
    const el = show('Three to five days [1], see also [2].');
    const ref = el.querySelector('a.ref')!;
    expect(ref.getAttribute('href')).toBe('/help/shipping');
    expect(ref.textContent).toBe('[1]');
    expect(ref.getAttribute('aria-label')).toBe('[1] Shipping');
    expect(el.textContent).toContain('[2]');
    expect(el.querySelectorAll('a')).toHaveLength(1);
  });

  it('does not link a citation whose url is unsafe', () => {
    const el = show('Look [1].', [{ n: 1, title: 'x', url: 'javascript:alert(1)', snippet: '' }]);
    expect(el.querySelector('a')).toBeNull();
  });

  it('renders lists, code and quotes as elements with text inside', () => {
    const el = show('- one\n- <b>two</b>\n\n```\n<i>code</i>\n```\n> quoted');
    expect([...el.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['one', '<b>two</b>']);
    expect(el.querySelector('pre code')?.textContent).toBe('<i>code</i>');
    expect(el.querySelector('blockquote')?.textContent).toBe('quoted');
    expect(el.querySelector('b, i')).toBeNull();
  });
});
