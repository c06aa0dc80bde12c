import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INTENTS, type Intent } from '@support-chat/protocol';
import { DEFAULT_INTENT_EXAMPLES } from '../../../edge/pipeline/intent/examples';
import { BUILT_IN_MODEL } from '../../../edge/pipeline/intent/built-in-model';
import { builtInIntents, trainBuiltInModel } from '../../../edge/pipeline/intent/built-in';
import { builtInModelSource } from '../../../edge/pipeline/intent/built-in-source';

// Held out: written separately from the shipped examples and checked not to appear in them.
const HELD_OUT: Record<Intent, string[]> = {
  greeting: [
    'hello there',
    'hey hey',
    'good morning team',
    'hi!!',
    'evening',
    'hey, hows it going',
    'many thanks',
    'thanks a bunch',
    'bye for now',
    'ok cool thanks',
    'helloo',
    'hi, nice to meet you',
  ],
  product_question: [
    'is this sofa available in grey',
    'what fabric is the hoodie',
    'does the camera come with a memory card',
    'how tall is the bookshelf',
    'is the yoga mat non slip',
    'do you stock size 12 boots',
    'can the watch go in the shower',
    'whats the capacity of the suitcase',
    'are these headphones wireless',
    'how much is the ceramic vase',
    'is the red mug still available',
    'does the phone case fit the newest model',
  ],
  policy_question: [
    'do you ship to australia',
    'how much does express delivery cost',
    'can i pay by bank transfer',
    'do you accept credit cards',
    'what countries do you deliver to',
    'how many days for standard shipping',
    'is there a warranty on electronics',
    'do you have any discounts for first orders',
    'where is your shop located',
    'do i need an account to buy',
    'do you use my email for marketing',
    'are import taxes included',
  ],
  order_status: [
    'where is order 77120',
    'my package still hasnt come',
    'any update on my delivery',
    'when is my parcel arriving',
    'can you give me the tracking link for my order',
    'i ordered 5 days ago, whats the status',
    'did my order ship',
    'please check order #20931 for me',
    'how do i cancel an order i just made',
    'i need to change the address on order 4410',
    'it says out for delivery since yesterday',
    'order number B2291 where is it',
  ],
  return_refund: [
    'how can i send this back',
    'i would like a refund',
    'can i exchange my jeans for a smaller size',
    'how many days do i have to return something',
    'still waiting on my refund',
    'is return shipping free',
    'how do i get a return label',
    'can i return an opened item',
    'i want to return this, it doesnt suit me',
    'when will i get my money back',
    'can i swap this for another model',
    'do i get a full refund if i return it',
  ],
  human: [
    'i want to talk to a person',
    'connect me with customer support please',
    'can i speak to an actual human',
    'need a real agent',
    'put me through to someone',
    'is there a phone line',
    'operator please',
    'give me a person',
    'i want to chat with a human being',
    'let me speak to your supervisor',
    'how do i contact your team',
    'can a real person answer me',
  ],
  complaint: [
    'the package was soaked and ruined',
    'you charged my card twice',
    'this is the worst company',
    'my item came broken',
    'i am not happy with the quality at all',
    'the wrong size was delivered',
    'this is absolutely ridiculous',
    'the lid cracked on the first day',
    'i am disgusted with the service',
    'part of my order is missing',
    'the product stopped working after two days',
    'you ignored my previous messages',
  ],
  other: [
    'what is the best football team',
    'tell me a story',
    'how tall is mount everest',
    'what is your name',
    'can you do my taxes',
    'is it going to rain tomorrow',
    'who invented the internet',
    'play some music',
    'what is the square root of 16',
    'do you have feelings',
    'give me a recipe for pancakes',
    'qwerty',
  ],
};

describe('intent classifier', () => {
  it('held-out utterances are not among the training examples', () => {
    const shipped = new Set(Object.values(DEFAULT_INTENT_EXAMPLES).flat().map((t) => t.toLowerCase()));
    for (const texts of Object.values(HELD_OUT)) for (const t of texts) expect(shipped.has(t.toLowerCase()), t).toBe(false);
  });

  it('classifies held-out utterances with accuracy >= 0.85', () => {
    const clf = builtInIntents();
    let right = 0;
    let total = 0;
    const perIntent: Record<string, string> = {};
    const misses: string[] = [];
    for (const intent of INTENTS) {
      let ok = 0;
      for (const text of HELD_OUT[intent]) {
        const got = clf.classify(text);
        if (got.intent === intent) ok++;
        else misses.push(`${text} → ${got.intent} (${got.score.toFixed(2)}), want ${intent}`);
      }
      perIntent[intent] = `${ok}/${HELD_OUT[intent].length}`;
      right += ok;
      total += HELD_OUT[intent].length;
    }
    const accuracy = right / total;
    console.log(`intent held-out accuracy ${accuracy.toFixed(3)} (${right}/${total}); threshold ${clf.model.calibration(false).threshold.toFixed(3)}`, perIntent);
    if (misses.length) console.log('misses:\n  ' + misses.join('\n  '));
    expect(total).toBeGreaterThanOrEqual(10 * INTENTS.length);
    expect(accuracy).toBeGreaterThanOrEqual(0.85);
  });

  it('uses order numbers and emails as evidence of an order question', () => {
    const clf = builtInIntents();
    expect(clf.classify('order 99120 status?').intent).toBe('order_status');
    expect(clf.classify('pat@example.org order').intent).toBe('order_status');
    // The usual reply when asked for them: a bare number or address.
    expect(clf.classify('kim.o@example.com').intent).toBe('order_status');
    expect(clf.classify('#40021').intent).toBe('order_status');
  });

  it('returns a probability and falls back to other below the threshold', () => {
    const clf = builtInIntents();
    for (const t of ['where is my order', 'hi', 'zzzz qqqq', '']) {
      const r = clf.classify(t);
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThanOrEqual(1);
      if (r.intent !== 'other') expect(r.score).toBeGreaterThanOrEqual(clf.model.calibration(false).threshold);
    }
    expect(clf.classify('   ').intent).toBe('other');
    expect(clf.classify('?!').intent).toBe('other');
  });

  it('ships the model a training of the examples gives (npm run intents:built-in writes it)', () => {
    const fresh = trainBuiltInModel().toJSON();
    expect(fresh, 'the examples changed: run npm run intents:built-in').toEqual(BUILT_IN_MODEL);
    // And the file holds it as the script writes it.
    expect(readFileSync(new URL('../../../edge/pipeline/intent/built-in-model.ts', import.meta.url), 'utf8')).toBe(builtInModelSource(fresh));
    const a = builtInIntents(trainBuiltInModel());
    expect(a.classify('do you sell bikes')).toEqual(builtInIntents().classify('do you sell bikes'));
  });

  it('its probabilities are calibrated: confident answers are mostly right', () => {
    const clf = builtInIntents();
    const all = INTENTS.flatMap((i) => HELD_OUT[i].map((t) => ({ t, i })));
    const confident = all.map(({ t, i }) => ({ r: clf.classify(t), i })).filter(({ r }) => r.intent !== 'other' && r.score >= 0.7);
    const right = confident.filter(({ r, i }) => r.intent === i).length;
    expect(confident.length).toBeGreaterThan(all.length / 3);
    expect(right / confident.length).toBeGreaterThanOrEqual(0.85);
  });
});
