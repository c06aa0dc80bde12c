import { describe, expect, it } from 'vitest';
import type { Source } from '../../../edge/core/ports';
import { compose, ExtractiveAnswerer } from '../../../edge/providers/llm/extractive';
import { bestPassage, startsMidClause, unwrap } from '../../../edge/providers/llm/passages';
import { questionParts } from '../../../edge/providers/llm/question-parts';
import { questionTerms } from '../../../edge/providers/llm/terms';

const faq = (n: number, question: string, answer: string): Source => ({ n, title: question, text: `${question}\n${answer}`, kind: 'faq' });
const doc = (n: number, title: string, text: string): Source => ({ n, title, text, kind: 'doc' });

const RETURNS = faq(1, 'What is your return policy?', 'You can return any item within 60 days of delivery, as long as it has not been used outdoors. Trying gear at home, such as pitching a tent in your living room, is fine.');
const GIFT = faq(2, 'Do you sell gift cards?', 'Yes, digital gift cards from $25 to $500. They never expire.');
const COST = faq(3, 'How much does shipping cost?', 'Standard US shipping is $6.95, and free on orders of $75 or more. Shipping to Canada is a flat $19.95.');
const TIME = faq(4, 'How long does shipping take?', 'Standard shipping takes 3–5 business days in the US, and shipping to Canada 7–12 business days.');
const REFUNDS = doc(
  5,
  'Returns and refunds › Refunds',
  'to the address in the portal, and keep the receipt until the refund arrives.\nRefunds go back to the original payment method. We process them within 5 business days of\nthe parcel arriving at our warehouse. Your bank then takes another 3–10 business days to show\nthe money on your statement.\n\n## Exchanges\nExchanges are free',
);

const JACKETS = doc(
  6,
  'Gear care guide › Rain jackets',
  'Dirt and body oils block the breathable membrane. Wash your jacket when it looks dirty or starts to feel clammy inside: close all zips and skip fabric softener.\n\nWhen water stops beading on the outside, the water repellent finish has worn off. Tumble dry on medium heat for 20 minutes to revive it. If that no longer helps, wash the jacket with a wash-in repellent.\n\nStore it on a hanger.',
);

describe('the passage that answers', () => {
  it('is an FAQ answer whole, qualifiers included', () => {
    const p = bestPassage(RETURNS, questionTerms('Can I return a tent I pitched in my garden?'));
    expect(p?.text).toBe(RETURNS.text.split('\n')[1]);
  });

  it('is consecutive sentences of a document, never starting mid-clause, with wrapped lines joined', () => {
    const p = bestPassage(REFUNDS, questionTerms('When will my refund arrive?'))!;
    expect(startsMidClause(p.text)).toBe(false);
    expect(p.text).toMatch(/^Refunds go back to the original payment method\. We process them within 5 business days of the parcel arriving/);
    expect(p.text).not.toContain('\n');
    expect(p.text).not.toContain('Exchanges are free');
    expect(unwrap('one\ntwo\n\nthree\n- four')).toBe('one two\n\nthree\n- four');
  });

  it("answers a follow-up's own aspect from the sources its subject found: \"and how much?\" after shipping times", () => {
    const time = { ...TIME, n: 1 };
    const cost = { ...COST, n: 2 };
    expect(compose('and how much?', [time, cost], { sure: true, subject: 'ship canada' })).toContain('Shipping to Canada is a flat $19.95 [2].');
    // Alone, retrieval's sure first source leads, as before.
    expect(compose('shipping to canada', [time, cost], { sure: true })).toContain('[1]');
  });

  it('goes on to the remedy when the question asks what to do, and stops at the diagnosis when it does not', () => {
    const remedy = compose('My jacket leaks, what can I do?', [JACKETS])!;
    expect(remedy).toContain('the water repellent finish has worn off. Tumble dry on medium heat for 20 minutes to revive it. If that no longer helps, wash the jacket with a wash-in repellent [6].');
    expect(remedy).not.toContain('hanger');
    const why = compose('Why does my jacket leak?', [JACKETS])!;
    expect(why).not.toContain('Tumble dry');
  });
});

describe('composing an answer', () => {
  it('keeps a leading Yes only when the FAQ asks the visitor question', () => {
    expect(compose('Do you sell gift cards?', [GIFT])).toMatch(/^Yes, digital gift cards/);
    const sortOf = compose('Can I buy a gift card for my brother?', [GIFT]);
    expect(sortOf).not.toMatch(/^Yes/);
    expect(sortOf).toMatch(/^Digital gift cards from \$25/);
  });

  it('refuses when the sources are near the question but not about its subject', () => {
    expect(compose('Do you sell kayaks?', [GIFT, RETURNS])).toBeNull();
    expect(compose('When does Stripe money arrive?', [REFUNDS])).toBeNull();
    const a = new ExtractiveAnswerer();
    expect(a.answer({ question: 'Do you sell kayaks?', intent: 'product_question', sources: [GIFT] })).toMatch(/couldn't find.*person/);
  });

  it('overrules sure retrieval only on plain evidence: none of the topic words, or not the thing asked for', () => {
    const sure = { sure: true };
    // Near in wording, about something else: the item asked for, or every topic word, is nowhere in the sources.
    expect(compose('Do you sell gift wrapping?', [GIFT], sure)).toBeNull();
    expect(compose('Where can I park my spaceship?', [faq(6, 'Where do you ship from?', 'Everything we sell ships from our own warehouse in Bozeman, Montana.')], sure)).toBeNull();
    // What the item is for does not make it another item; a paraphrase keeping one topic word stands.
    expect(compose('Do you sell gift cards for birthdays?', [GIFT], sure)).toMatch(/gift cards from \$25/i);
    expect(compose('Getting rid of old gift cards on my profile', [GIFT], sure)).toMatch(/gift cards from \$25/i);
    // Without sure retrieval the same paraphrase is refused: most of its topic words are missing.
    expect(compose('Getting rid of old gift cards on my profile', [GIFT])).toBeNull();
  });

  it('answers each part of a two-part question from the source that answers it, and only then cites two', () => {
    expect(questionParts('How much is shipping to Canada and how long does it take?')).toHaveLength(2);
    const two = compose('How much is shipping to Canada and how long does it take?', [TIME, COST])!;
    expect(two).toContain('7–12 business days');
    expect(two).toContain('$19.95');
    expect(two.match(/\[\d\]/g)).toEqual(['[4]', '[3]']);
    // One question, two sources that both match: one answer, one citation.
    const one = compose('How long does shipping take?', [TIME, COST])!;
    expect(one.match(/\[\d\]/g)).toEqual(['[4]']);
  });

  it('speaks the visitor language for its own sentences, and says when the content is in another', () => {
    const a = new ExtractiveAnswerer();
    expect(a.answer({ question: '¿Venden kayaks?', intent: 'other', sources: [], language: 'es' })).toMatch(/^No encontré/);
    const foreign = a.answer({ question: '¿Cuánto tarda el envío?', intent: 'other', sources: [TIME], language: 'es', contentLanguage: 'en' });
    expect(foreign).toMatch(/^Nuestro contenido de ayuda está en inglés/);
    expect(foreign).toMatch(/persona/);
    expect(a.answer({ question: 'My tent broke', intent: 'complaint', sources: [], language: 'de' })).toMatch(/^Das tut mir leid\..*Person/s);
  });
});
