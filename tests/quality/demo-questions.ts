/**
 * The graded set for the demo shop (demo/data): questions a shop's visitors ask, written for
 * this product, each with what a support lead expects of the reply. Two points a question:
 * one for going to the right place (the right source cited, or an honest refusal, a ticket,
 * an order reply), one for what the reply says (every fact present, nothing it must not say).
 */
export type Expect =
  /** An answer whose first citation is one of `source`. */
  | 'answer'
  /** A complaint: acknowledged, a person offered, no ticket yet; citing `source` when given. */
  | 'complaint'
  /** No citation, a person offered, no ticket. */
  | 'refuse'
  /** A ticket is opened. */
  | 'person'
  /** The order path: a look-up or a request for what it needs, no citation of help content. */
  | 'order'
  | 'greeting';

export interface GradedQuestion {
  q: string;
  expect: Expect;
  /** Acceptable first citations: a source's URL path or a fragment of its title. */
  source?: string[];
  /** Every one must be in the reply (strings match case-insensitively). */
  facts?: (string | RegExp)[];
  /** None may be in the reply. */
  not?: (string | RegExp)[];
  /** Messages sent before, in the same conversation. */
  before?: string[];
  tags: string[];
}

const SORRY = /sorry|lamento|tut mir leid|نأسف/i;
const PERSON = /person|persona|Person|شخص|أحد أفراد/;

export const DEMO_QUESTIONS: GradedQuestion[] = [
  // Shipping
  { q: 'How long does shipping take?', expect: 'answer', source: ['/help/shipping'], facts: ['3–5 business days', 'Canada'], not: ['isobutane', 'backorder', SORRY], tags: ['readme'] },
  { q: 'How much does shipping cost?', expect: 'answer', source: ['/help/shipping'], facts: ['$6.95', '$75'], tags: [] },
  { q: 'how lnog does shiping take', expect: 'answer', source: ['/help/shipping'], facts: ['3–5'], tags: ['typo'] },
  { q: 'How soon will my tent reach Denver?', expect: 'answer', source: ['/help/shipping'], facts: [/business days?/], not: ['order number', SORRY], tags: ['routing'] },
  { q: 'Do you ship to PO boxes, and is return shipping free?', expect: 'answer', source: ['/help/shipping'], facts: ['USPS', /free/i, /\[2\]/], tags: ['multi-part'] },
  { q: 'How much is shipping to Canada and how long does it take?', expect: 'answer', source: ['/help/shipping'], facts: ['$19.95', '7–12'], tags: ['multi-part'] },
  { q: 'Can I get free shipping on expedited delivery?', expect: 'answer', source: ['/help/shipping'], facts: ['$14.95'], tags: ['qualifier'] },
  { q: 'Do I have to pay duties on an order to Canada?', expect: 'answer', source: ['/help/shipping'], facts: [/duties|GST/] , tags: ['docs'] },
  { q: 'What happens if my package is late?', expect: 'answer', source: ['/help/shipping'], facts: ['5 business days'], not: ['order number and the email', SORRY], tags: ['routing'] },
  { q: 'Can I change the address on my order?', expect: 'answer', source: ['/help/shipping'], facts: ['processing'], tags: ['routing'] },
  { q: 'Can you send gas canisters with my stove?', expect: 'answer', source: ['/help/shipping', '/help/products'], facts: [/hazardous/], not: [/^\s*yes/i], tags: ['qualifier'] },
  // Returns and refunds
  { q: 'When will my refund arrive?', expect: 'answer', source: ['/help/returns'], facts: ['5 business days', '3–10'], not: [/^\s*to the/i, SORRY], tags: ['readme'] },
  { q: 'Can I return a tent I already pitched in my garden?', expect: 'answer', source: ['/help/returns'], facts: ['outdoors'], not: [/^\s*yes/i, /^\s*trying gear at home/i], tags: ['qualifier'] },
  { q: 'how do i retrun a jaket that dosnt fit', expect: 'answer', source: ['/help/returns'], facts: [/60 days|returns portal/], tags: ['typo'] },
  { q: 'Is return shipping free?', expect: 'answer', source: ['/help/returns'], facts: [/^\s*yes/i, 'Canada'], tags: ['qualifier'] },
  { q: 'Can I return sale items?', expect: 'answer', source: ['/help/returns'], facts: ['Final sale'], tags: ['qualifier'] },
  { q: 'Can I exchange my jacket for a bigger size?', expect: 'answer', source: ['/help/returns'], facts: [/free/i], tags: [] },
  { q: 'Do you price match?', expect: 'answer', source: ['/help/returns'], facts: ['14 days'], tags: ['qualifier'] },
  // Warranty and care
  { q: 'What does the warranty cover?', expect: 'answer', source: ['/help/warranty'], facts: ['materials and workmanship', /not covered/i], tags: ['qualifier'] },
  { q: 'Is my water filter covered by the warranty if it froze?', expect: 'answer', source: ['/help/warranty'], facts: [/fro(zen|ze)/i], not: [/^\s*yes/i], tags: ['qualifier'] },
  { q: 'How long does a warranty repair take?', expect: 'answer', source: ['/help/warranty'], facts: ['2–3 weeks'], tags: ['docs'] },
  { q: 'How do I wash my down sleeping bag?', expect: 'answer', source: ['/help/care'], facts: ['tennis balls'], tags: [] },
  { q: 'My rain jacket leaks, what can I do?', expect: 'answer', source: ['/help/care', 'gear care guide'], facts: [/tumble dry/i, 'Re-Proof'], tags: ['docs'] },
  // Shop, products, payments
  { q: 'What payment methods do you accept?', expect: 'answer', source: ['/help/payments'], facts: ['PayPal'], tags: [] },
  { q: 'Do gift cards expire?', expect: 'answer', source: ['/help/payments'], facts: ['never expire'], tags: [] },
  { q: 'Where is your store?', expect: 'answer', source: ['/help/contact'], facts: ['Mendenhall'], tags: [] },
  { q: 'Which sleeping bag should I take to the mountains in autumn?', expect: 'answer', source: ['/help/products', 'Kestrel'], facts: ['Kestrel'], tags: [] },
  { q: 'Is the Switchback 1 Tent in stock?', expect: 'answer', source: ['Switchback 1'], facts: [/out of stock/i], tags: ['product'] },
  { q: "What's the cheapest tent?", expect: 'answer', source: ['Switchback 1'], facts: ['$279.00', /out of stock/i, 'Switchback 2', 'Basin 3'], tags: ['product'] },
  { q: 'Which pack is the most expensive?', expect: 'answer', source: ['Ridgeline 60'], facts: ['$259.00'], not: [/Switchback/], tags: ['product'] },
  // Follow-ups: the subject is in the questions before
  { q: 'how much is it?', before: ['Tell me about the Basin 3 Tent'], expect: 'answer', source: ['Basin 3'], facts: ['$429.00'], tags: ['follow-up'] },
  { q: 'and how much?', before: ['Do you ship to Canada?', 'how long does it take?'], expect: 'answer', source: ['/help/shipping'], facts: ['$19.95'], not: [/business days/], tags: ['follow-up'] },
  { q: 'what about gift cards?', before: ['Can I return a tent I used?'], expect: 'answer', source: ['/help/returns'], facts: [/gift cards cannot be returned/i], tags: ['follow-up'] },
  // Contact inside a real question: an answer, not a ticket
  { q: 'How can I contact customer support?', expect: 'answer', source: ['/help/contact'], facts: ['555-0142'], tags: ['contact'] },
  { q: "What's your phone number?", expect: 'answer', source: ['/help/contact'], facts: ['555-0142'], tags: ['contact'] },
  { q: 'Do I need to contact you to cancel an order?', expect: 'answer', source: ['/help/shipping'], facts: ['processing'], tags: ['contact'] },
  // Asking for a person, in four languages, and accepting an offer
  { q: 'Can I talk to a human?', expect: 'person', facts: [PERSON], tags: ['person'] },
  { q: 'Quiero hablar con una persona', expect: 'person', facts: ['persona'], tags: ['person', 'es'] },
  { q: 'Ich möchte mit einem Mitarbeiter sprechen', expect: 'person', facts: ['Person aus unserem Team'], tags: ['person', 'de'] },
  { q: 'أريد التحدث مع موظف', expect: 'person', facts: ['فريقنا'], tags: ['person', 'ar'] },
  { q: 'yes please', before: ['Do you sell kayaks?'], expect: 'person', facts: [PERSON], tags: ['person', 'offer'] },
  // Complaints: acknowledged, a person offered at once
  { q: 'My new tent arrived with a broken pole!', expect: 'complaint', facts: [SORRY, PERSON], tags: ['complaint'] },
  { q: 'This is ridiculous, my order is two weeks late', expect: 'complaint', facts: [SORRY, PERSON], tags: ['complaint'] },
  { q: 'I was charged twice for the same order', expect: 'complaint', facts: [SORRY, PERSON], tags: ['complaint'] },
  // Orders
  { q: 'Where is my order JP-10421?', expect: 'order', facts: ['email'], tags: ['order'] },
  { q: 'Order JP-10388, my email is ines.carvalho@example.com', expect: 'order', facts: ['delivered', '1Z4E82A70398812245'], tags: ['order'] },
  { q: '¿Dónde está mi pedido JP-10388? Mi correo es ines.carvalho@example.com', expect: 'order', facts: ['entregado', '1Z4E82A70398812245'], tags: ['order', 'es'] },
  // Other languages than the content's
  { q: '¿Cuánto tarda el envío a Canadá?', expect: 'refuse', facts: ['inglés', 'persona'], tags: ['es'] },
  { q: 'Wie lange dauert der Versand nach Kanada?', expect: 'refuse', facts: ['Englisch', 'Person'], tags: ['de'] },
  { q: 'كم يستغرق الشحن إلى كندا؟', expect: 'refuse', facts: ['الإنجليزية'], tags: ['ar'] },
  // Out of scope: an honest refusal, no borrowed "Yes", no apology
  { q: 'Do you sell kayaks?', expect: 'refuse', not: ['gift card', /^\s*yes/i, SORRY], facts: [PERSON], tags: ['oos'] },
  // Worded like an FAQ the shop has ("Do you sell gift cards?", "Where do you ship from?"), about something it never mentions.
  { q: 'Do you sell gift wrapping?', expect: 'refuse', not: ['gift card', /^\s*yes/i, SORRY], facts: [PERSON], tags: ['oos'] },
  { q: 'Where can I park my spaceship?', expect: 'refuse', not: ['warehouse', 'Bozeman', SORRY], facts: [PERSON], tags: ['oos'] },
  { q: 'When does Stripe money arrive?', expect: 'refuse', not: [SORRY], facts: [PERSON], tags: ['oos'] },
  { q: "What's the weather in Paris tomorrow?", expect: 'refuse', facts: [PERSON], tags: ['oos'] },
  { q: 'How do I reset my Gmail password?', expect: 'refuse', facts: [PERSON], tags: ['oos'] },
  // Social
  { q: 'hi', expect: 'greeting', facts: [/help/i], tags: ['greeting'] },
  { q: 'thanks, bye!', expect: 'greeting', facts: [/bye|thanks/i], tags: ['greeting'] },
];
