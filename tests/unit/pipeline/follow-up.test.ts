import { describe, expect, it } from 'vitest';
import { followUpOf, isFollowUp } from '../../../edge/pipeline/follow-up';

describe('follow-ups (pipeline/follow-up)', () => {
  it('are short messages that refer back or ask with no topic of their own', () => {
    for (const t of ['how much is it?', 'is it in stock?', 'and how much?', 'What about Canada?', 'Can I return it?', 'Do you have it in blue?', 'how much?', 'how often should I do it', 'and how long']) {
      expect(isFollowUp(t), t).toBe(true);
    }
  });

  it('are not acknowledgements, or remarks that ask nothing', () => {
    for (const t of ['ok', 'okay', 'got it', 'cool', 'I like it', 'and?', 'why?', 'great, thanks']) expect(isFollowUp(t), t).toBe(false);
  });

  it('are not questions that say what they are about', () => {
    for (const t of ['What is your return policy?', 'Do you ship to Canada?', 'Tell me about the Basin 3 Tent', 'Is there a warranty?', 'Where is your store?', 'How do I wash my down sleeping bag?', 'Does it matter which detergent I use for a down sleeping bag?']) {
      expect(isFollowUp(t), t).toBe(false);
    }
  });

  it('take their subject from the topic words of the question before, and of the one before that when it follows up too', () => {
    expect(followUpOf('how much is it?', ['Tell me about the Basin 3 Tent'])).toEqual({ subject: 'basin 3 tent', search: 'basin 3 tent how much is it?' });
    // "how long" is the earlier question's framing, not its subject: only "take" of it is kept.
    expect(followUpOf('and how much?', ['how long does it take?', 'Do you ship to Canada?', 'What is your return policy?'])?.subject).toBe('ship canada take');
  });

  it('leave a first message, or a question of its own, as it is', () => {
    expect(followUpOf('how much is it?', [])).toBeNull();
    expect(followUpOf('What is your return policy?', ['Do you ship to Canada?'])).toBeNull();
  });
});
