import { describe, expect, it } from 'vitest';
import type { AnswerRequest, Source } from '../../../edge/core/ports';
import { ExtractiveAnswerer, NOT_FOUND, streamText } from '../../../edge/providers/llm/extractive';
import { faqParts } from '../../../edge/providers/llm/passages';

const SOURCES: Source[] = [
  {
    n: 1,
    title: 'Shipping',
    kind: 'doc',
    url: 'https://shop.example/shipping',
    text: '# Shipping\nWe ship to the US, Canada and the EU.\n\nShipping to **Canada** usually takes 5 to 7 business days. Orders over $50 ship free.\n\n## Tracking\nHow do I track it?\nYou get a tracking link by email when your order ships.',
  },
  {
    n: 2,
    title: 'Can I return a sale item?',
    kind: 'faq',
    text: 'Can I return a sale item? Yes, sale items can be returned within 14 days. Final-sale items are marked on the product page.',
  },
  {
    n: 3,
    title: 'Returns and refunds',
    kind: 'doc',
    text: 'You can return unworn items within 30 days [7]. Refunds go back to your original payment method within 5 business days.',
  },
];

const a = new ExtractiveAnswerer();
const ask = (question: string, intent: AnswerRequest['intent'] = 'policy_question', sources = SOURCES) =>
  a.answer({ question, intent, sources });
const cited = (text: string) => [...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));

async function collect(req: AnswerRequest, signal?: AbortSignal): Promise<string[]> {
  const pieces: string[] = [];
  for await (const p of a.stream(req, signal)) if (p.type === 'text') pieces.push(p.text);
  return pieces;
}

describe('ExtractiveAnswerer', () => {
  it('answers with the sources’ own sentences and cites them by their numbers', () => {
    const text = ask('How long does shipping to Canada take?');
    expect(text).toContain('Shipping to Canada usually takes 5 to 7 business days');
    expect(text).not.toContain('**');
    expect(cited(text)).toContain(1);
    for (const n of cited(text)) expect(SOURCES.map((s) => s.n)).toContain(n);
  });

  it('answers an FAQ with its answer part, not its question', () => {
    const text = ask('can i return items bought on sale', 'return_refund');
    // Whole, with its qualifier, and its "Yes" since the FAQ asks the visitor's question.
    expect(text).toBe('Yes, sale items can be returned within 14 days. Final-sale items are marked on the product page [2].');
    expect(text).not.toContain('Can I return a sale item?');
    const faq = (text: string, title = '') => faqParts({ n: 1, title, text, kind: 'faq' });
    expect(faq('Q: Do you ship abroad? A: Yes, worldwide.')).toEqual({ question: 'Do you ship abroad?', answer: 'Yes, worldwide.' });
    // An FAQ's title is its question, with or without a question mark.
    expect(faq('Strikethrough in Markdown\nUse ~~tildes~~.', 'Strikethrough in Markdown')).toEqual({ question: 'Strikethrough in Markdown', answer: 'Use ~~tildes~~.' });
  });

  it('cites only the numbers of the sources it was given, whatever they are', () => {
    const renumbered = SOURCES.map((s) => ({ ...s, n: s.n + 6 }));
    const text = ask('when are refunds sent back to my payment method', 'return_refund', renumbered);
    expect(text).toContain('Refunds go back to your original payment method');
    expect(cited(text).length).toBeGreaterThan(0);
    for (const n of cited(text)) expect([7, 8, 9]).toContain(n);
    // A bracketed number inside a source's own text is not passed on as a citation.
    const unworn = ask('how many days do I have to return unworn items', 'return_refund');
    expect(unworn).toMatch(/^You can return unworn items within 30 days\. .*\[3\]\.$/);
    expect(cited(unworn)).not.toContain(7);
  });

  it('skips headings and questions and never repeats a sentence', () => {
    const text = ask('how do I track my order', 'order_status');
    expect(text).toContain('tracking link by email');
    expect(text).not.toMatch(/How do I track it\?/);
    expect(text).not.toMatch(/^Tracking/);
    const sentences = text.split(/(?<=[.!?])\s+/);
    expect(new Set(sentences).size).toBe(sentences.length);
  });

  it('says it could not find an answer, and offers a person, when nothing relevant is given', () => {
    expect(ask('do you sell bicycles', 'product_question')).toBe(NOT_FOUND);
    expect(ask('where is my refund', 'return_refund', [])).toBe(NOT_FOUND);
    expect(NOT_FOUND).toMatch(/couldn't find/);
    expect(NOT_FOUND).toMatch(/person/);
    expect(cited(ask('do you sell bicycles'))).toEqual([]);
  });

  it('greets without sources, says it will connect a person when asked, and apologises on complaints', () => {
    expect(ask('hello', 'greeting')).toMatch(/^Hi!/);
    expect(ask('thanks a lot', 'greeting')).toMatch(/welcome/);
    expect(cited(ask('hello', 'greeting'))).toEqual([]);
    expect(ask('agent please', 'human')).toMatch(/connect you with a person/);
    const complaint = ask('my refund still has not arrived after 5 business days', 'complaint');
    expect(complaint).toMatch(/^I'm sorry/);
    expect(complaint).toMatch(/Refunds go back to your original payment method within 5 business days \[3\]/);
    expect(complaint).toMatch(/person/);
  });

  it('streams the answer in several small pieces that join to the whole answer', async () => {
    const req: AnswerRequest = { question: 'How long does shipping to Canada take?', intent: 'policy_question', sources: SOURCES };
    const pieces = await collect(req);
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect(p.trim().split(/\s+/).length).toBeLessThanOrEqual(3);
    expect(pieces.join('')).toBe(a.answer(req));
  });

  it('stops streaming when the signal aborts', async () => {
    const ctl = new AbortController();
    const got: string[] = [];
    const req: AnswerRequest = { question: 'How long does shipping to Canada take?', intent: 'policy_question', sources: SOURCES };
    await expect(
      (async () => {
        for await (const p of a.stream(req, ctl.signal)) {
          if (p.type === 'text') got.push(p.text);
          if (got.length === 2) ctl.abort();
        }
      })(),
    ).rejects.toThrow(/abort/i);
    expect(got).toHaveLength(2);

    const pre = new AbortController();
    pre.abort();
    const none: string[] = [];
    await expect(
      (async () => {
        for await (const p of streamText('one two three four', pre.signal)) none.push(p);
      })(),
    ).rejects.toThrow();
    expect(none).toEqual([]);
  });

  it('streams a text that is all there without waiting on the event loop between pieces', async () => {
    // A timer between pieces put the answer back at the end of a busy process's queue each time.
    let turned = false;
    const timer = setTimeout(() => (turned = true), 0);
    const immediate = setImmediate(() => (turned = true));
    const text = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const pieces: string[] = [];
    for await (const p of streamText(text)) pieces.push(p);
    clearTimeout(timer);
    clearImmediate(immediate);
    expect(turned).toBe(false);
    expect(pieces).toHaveLength(40);
    expect(pieces.join('')).toBe(text);
  });
});
