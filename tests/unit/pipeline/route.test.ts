import { describe, expect, it } from 'vitest';
import type { IntentName } from '@support-chat/protocol';
import { asksForPerson, route, type Route } from '../../../edge/pipeline/route';
import { builtInIntents } from '../../../edge/pipeline/intent/built-in';
import { findOrderClues } from '../../../edge/products/orders';

const classifier = builtInIntents();
const routeOf = (text: string, o: { earlier?: string[]; offeredPerson?: boolean } = {}): Route =>
  route({ text, classified: classifier.classify(text), clues: findOrderClues([text]), earlier: o.earlier ?? [], offeredPerson: o.offeredPerson ?? false }).route;

describe('routing after the intent classifier', () => {
  it('opens a ticket only for a visitor who asks for a person, in any of the four languages, or says yes to an offer', () => {
    for (const t of ['Can I talk to a human?', 'agent', 'human please', 'can I speak to someone about my order', 'Quiero hablar con una persona', 'Ich möchte mit einem Mitarbeiter sprechen', 'أريد التحدث مع موظف']) {
      expect(routeOf(t), t).toBe('person');
    }
    expect(routeOf('yes please', { offeredPerson: true })).toBe('person');
    expect(routeOf('sí', { offeredPerson: true })).toBe('person');
    // Without an offer before it, "yes" is not a request for anyone.
    expect(routeOf('yes please')).not.toBe('person');
  });

  it('treats "contact" inside a real question as a question for the content', () => {
    for (const t of ['How can I contact customer support?', "What's your phone number?", 'How do I contact Facebook support?', 'is there a way to talk to gmail support about my hacked account']) {
      expect(routeOf(t), t).toBe('question');
      expect(asksForPerson(t), t).toBe(false);
    }
  });

  it('looks up an order only with an order number or words about the visitor own order', () => {
    expect(routeOf('Where is my order?')).toBe('order');
    expect(routeOf('JP-10421')).toBe('order');
    expect(routeOf('ines@example.com', { earlier: ['where is my order'] })).toBe('order');
    // Questions about shipping in general, or about changing an order, are for the content.
    for (const t of ['How soon will my tent reach Denver?', 'What happens if my package is late?', 'Can I change the address on my order?', 'How long does shipping take?']) {
      expect(routeOf(t), t).toBe('question');
    }
  });

  it('calls a complaint a complaint, and a neutral or hypothetical question not one', () => {
    for (const t of ['My new tent arrived with a broken pole!', 'This is ridiculous, my order is two weeks late', 'I was charged twice for the same order', 'Mi tienda llegó rota', 'Das Zelt ist kaputt angekommen']) {
      expect(routeOf(t), t).toBe('complaint');
    }
    for (const t of [
      'When does Stripe money arrive?',
      'Can I get a refund if the zip broke?',
      'What does the warranty cover?',
      'How late is the repair desk open on Saturdays?',
      'Are you open late on Fridays?',
      'Is there a late fee for returns?',
    ]) {
      expect(routeOf(t), t).not.toBe('complaint');
    }
  });

  it('keeps the classifier intent for questions, but never human, complaint or order_status without their words', () => {
    const intentOf = (text: string): IntentName =>
      route({ text, classified: classifier.classify(text), clues: findOrderClues([text]), earlier: [], offeredPerson: false }).intent;
    expect(intentOf('How can I contact customer support?')).not.toBe('human');
    expect(intentOf('How soon will my tent reach Denver?')).not.toBe('order_status');
    expect(intentOf('hi')).toBe('greeting');
  });
});

describe("a site's own intents", () => {
  const actions = {
    cancel_subscription: { action: 'ticket' as const },
    where_is_it: { action: 'order' as const },
    opening_hours: { action: 'reply' as const, reply: 'We are open 9–17.' },
    warranty_claim: { action: 'answer' as const },
    greeting: { action: 'reply' as const, reply: 'Welcome to Juniper Peak!' },
  };
  const routed = (text: string, intent: string, score = 0.9) =>
    route({ text, classified: { intent, score }, clues: findOrderClues([text]), earlier: [], offeredPerson: false, actions });

  it('do what the site maps them to: a ticket, the order look-up, a fixed reply, or an answer under their own name', () => {
    expect(routed('I want to stop paying for this', 'cancel_subscription')).toEqual({ route: 'person', intent: 'cancel_subscription' });
    expect(routed('has it left yet', 'where_is_it')).toEqual({ route: 'order', intent: 'where_is_it' });
    expect(routed('when are you open?', 'opening_hours')).toEqual({ route: 'reply', intent: 'opening_hours', reply: 'We are open 9–17.' });
    // The rules for complaints and orders still hold, under the site's name for the intent.
    expect(routed('my kettle stopped working', 'warranty_claim')).toEqual({ route: 'complaint', intent: 'warranty_claim' });
    expect(routed('where is JP-10421', 'app_pairing')).toEqual({ route: 'order', intent: 'app_pairing' });
    expect(routed('what does the warranty cover for kettles', 'warranty_claim')).toEqual({ route: 'question', intent: 'warranty_claim' });
    // Unmapped site intents answer from the content; a built-in one the site maps follows the site.
    expect(routed('how do I pair the app', 'app_pairing')).toEqual({ route: 'question', intent: 'app_pairing' });
    expect(routed('hello', 'greeting')).toEqual({ route: 'reply', intent: 'greeting', reply: 'Welcome to Juniper Peak!' });
  });

  it('never keep a visitor who asks for a person from one', () => {
    expect(routed('can I talk to a human about opening hours', 'opening_hours')).toEqual({ route: 'person', intent: 'human' });
  });
});

describe('asking for a person', () => {
  it('is words for asking that take a person as their object, not a person mentioned in a question', () => {
    for (const t of [
      'How can I discreetly follow someone on twitter (I don\'t want them to know I\'m following them).',
      'I want to identify the person who ceased to be my fb friend.',
      'If I need to send to some people the second sheet of my google spread sheet, is there a way to generate a link to exactly that sheet?',
      'I need to find a tweet from a certain someone on twitter, how can I limit my search to this user?',
    ]) {
      expect(asksForPerson(t), t).toBe(false);
    }
    for (const t of ['I need a human', 'please put me through to a team member', 'is there a person i can chat with', 'escalate this to a manager', 'ponme con un agente']) {
      expect(asksForPerson(t), t).toBe(true);
    }
  });
});
