import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHtml } from '../../../edge/ingest/parse/html';

describe('parseHtml', () => {
  it('drops scripts, styles, nav and footer, and splits by h1–h3', () => {
    const html = `<!doctype html><html><head><title>About &amp; us</title>
      <link rel="canonical" href="https://shop.example/about"><style>p{color:red}</style></head>
      <body><nav><a href="/">Home menu</a></nav>
      <h1>About</h1><p>We make <b>tents</b>.<br>Since 2014.</p>
      <script>var secret = 1;</script>
      <h2>Team</h2><ul><li>Ana</li><li>Ben</li></ul>
      <h4>Small heading</h4><p>Stays in Team.</p>
      <h3>Hours</h3><table><tr><th>Day</th><th>Open</th></tr><tr><td>Mon</td><td>9–5</td></tr></table>
      <div hidden>Hidden text</div>
      <footer>Footer links</footer></body></html>`;
    const [doc] = parseHtml('about.html', html).documents;
    expect(doc.title).toBe('About & us');
    expect(doc.url).toBe('https://shop.example/about');
    expect(doc.sections).toEqual([
      { headings: ['About'], text: 'We make tents.\nSince 2014.' },
      { headings: ['About', 'Team'], text: '- Ana\n\n- Ben\n\nSmall heading\n\nStays in Team.' },
      { headings: ['About', 'Team', 'Hours'], text: 'Day | Open\n\nMon | 9–5' },
    ]);
    const all = JSON.stringify(doc);
    for (const gone of ['Home menu', 'secret', 'color:red', 'Footer links', 'Hidden text']) expect(all).not.toContain(gone);
  });

  it('uses the h1 when there is no <title>, og:url when there is no canonical, and the file name last', () => {
    const [a] = parseHtml('x.html', '<meta property="og:url" content="/x"><h1>Hello</h1><p>t</p>').documents;
    expect(a).toMatchObject({ title: 'Hello', url: '/x' });
    const [b] = parseHtml('pages/contact-us.htm', '<p>Call us.</p>').documents;
    expect(b).toMatchObject({ title: 'Contact us', url: null, sections: [{ headings: [], text: 'Call us.' }] });
  });

  it('reads the demo about page', () => {
    const [doc] = parseHtml('docs/about.html', readFileSync('demo/data/docs/about.html', 'utf8')).documents;
    expect(doc.title).toBe('About Juniper Peak Outfitters');
    expect(doc.url).toBe('/about');
    expect(doc.sections.map((s) => s.headings.at(-1))).toEqual([
      'About Juniper Peak Outfitters',
      'Our story',
      'What we believe',
      'Showroom and repair shop',
      'Contact customer support',
    ]);
    expect(JSON.stringify(doc)).not.toMatch(/dataLayer|Privacy|Cart/);
  });

  it('refuses a file with no elements or no text, naming it', () => {
    expect(() => parseHtml('notes.html', 'just some words')).toThrow('notes.html: contains no HTML elements');
    expect(() => parseHtml('empty.html', '<html><body><nav>Menu</nav></body></html>')).toThrow('empty.html: has no text to index');
  });
});
