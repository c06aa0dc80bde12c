/**
 * Where a message goes after the intent classifier has had its say. The classifier reads
 * the gist ("contact", "my order", "broken"); these rules keep it from hijacking a question:
 * a ticket only for a visitor who asks for a person (or says yes to an offer of one), an
 * order look-up only with an order number or words about the visitor's own order, and an
 * apology only for a complaint. Everything else is a question for the content.
 * A site's own intents do what its `intents` setting says (a ticket, the order look-up, a
 * fixed reply); the words for a person still come first.
 */
import { INTENTS, type IntentName } from '@support-chat/protocol';
import type { IntentResult } from '../core/ports';
import type { IntentAction } from '../core/sites/settings';
import type { OrderClues } from '../products/orders';

export type Route = 'greeting' | 'person' | 'order' | 'complaint' | 'question' | 'reply';

export interface RouteInput {
  text: string;
  classified: IntentResult;
  /** Order number and email in this message. */
  clues: OrderClues;
  /** The visitor's earlier messages, newest first. */
  earlier: string[];
  /** The last reply offered to connect a person. */
  offeredPerson: boolean;
  /** The site's `intents` setting: what its intents do. */
  actions?: Record<string, IntentAction>;
}

export interface Routed {
  route: Route;
  /** The intent reported to the widget and stored with the answer. */
  intent: IntentName;
  /** The site's fixed text, for the `reply` route. */
  reply?: string;
}

// Someone at the shop, in the words visitors use (en, es, de, ar).
const WHO = String.raw`(?:a\s+|an\s+|some\s+|the\s+|your\s+|one of your\s+)?(?:real\s+|live\s+|actual\s+)?(?:human|person|agent|someone|somebody|representative|rep|operator|staff|team member|member of (?:your|the) (?:team|staff)|manager|supervisor|customer service|support agent)\b`;
/**
 * Asking for a person means words for asking that take a person as their object: "talk to a
 * human", "connect me with an agent", "quiero hablar con una persona". A person mentioned
 * elsewhere ("follow someone on twitter without them knowing") asks for nothing.
 */
const ASKS_FOR_PERSON = [
  new RegExp(String.raw`\b(?:talk|speak|chat|get in touch)\s+(?:to|with)\s+${WHO}`, 'iu'),
  new RegExp(String.raw`\b(?:connect|transfer|put|pass)\s+me\s+(?:to|with|through to|on to)\s+${WHO}`, 'iu'),
  new RegExp(String.raw`\b(?:want|need|get me|give me|request|prefer)\s+(?:to\s+(?:talk|speak|chat)\s+(?:to|with)\s+)?(?:a|an)\s+(?:real\s+|live\s+|actual\s+)?(?:human|person|agent|representative|operator)\b`, 'iu'),
  new RegExp(String.raw`\b(?:is|are)\s+there\s+(?:a|any)\s*(?:real\s+)?(?:human|person|agent|one|anyone|someone)\b[^?.]*\b(?:talk|speak|chat)\b`, 'iu'),
  /\b(?:escalate|hand)\s+(?:this|it|me)?\s*(?:over\s+)?to\s+(?:a|an|your)\s+(?:human|person|agent|manager|supervisor)\b/iu,
  /\b(?:i\s+)?(?:do\s*n[o']?t|dont)\s+want\s+(?:a|to talk to a)\s+bot\b|\bno more bot\b/iu,
  /\b(?:hablar|comunicarme|contactar|chatear)\s+con\s+(?:una?\s+)?(?:persona|humano|agente|alguien|representante|asesor|empleado)/iu,
  /\b(?:pásame|pasame|ponme|póngame|pongame|comuníqueme|comuniqueme)\s+con\s+/iu,
  /\b(?:mit|zu)\s+(?:einem|einer|jemandem)\s+(?:echten\s+)?(?:menschen|mitarbeiter(?:in)?|person|berater(?:in)?|kundendienst)\b[^?.]*\b(?:sprechen|reden|chatten|verbinden)|\bverbinden\s+sie\s+mich\b/iu,
  /(?:التحدث|أتحدث|اتحدث|التكلم|أتكلم|تحويلي|حولني|وصلني|أوصلني)\s*(?:مع|إلى|الى|ب)?\s*(?:شخص|موظف|إنسان|انسان|بشري|أحد)/u,
];
/** A message that is nothing but a request for a person: "agent", "human please". */
const BARE_PERSON = /^\s*(?:an?\s+)?(?:human|person|agent|representative|operator|live agent|real person|persona|humano|agente|mensch|mitarbeiter|شخص|موظف)(?:\s+(?:please|now|pls|por favor|bitte|من فضلك))?\s*[.!?]*\s*$/iu;

const YES = /^\s*(?:y|yes|yeah|yep|yup|sure|ok|okay|please|please do|yes please|go ahead|sí|si|claro|por favor|vale|ja|gerne|gern|bitte|ja bitte|نعم|أجل|حسنا|من فضلك)\s*[.!]*\s*$/iu;

const OWN_ORDER =
  /\b(?:my|our)\s+(?:\w+\s+)?(?:order|package|parcel|shipment|delivery|purchase)\b|\bi\s+(?:ordered|bought|purchased)\b|\border\s+(?:status|number)\b|\btrack(?:ing)?\s+(?:my|number)\b|\b(?:mi|mis)\s+(?:pedido|paquete|envío|compra)s?\b|\b(?:meine|mein)\s+(?:bestellung|paket|lieferung|sendung)\b|(?:طلبي|طلبيتي|شحنتي)/iu;

/** What the visitor wants to know about their order: where it is, not how to change it (the content answers that). */
const ORDER_STATUS =
  /\b(?:where|status|track|tracking|arriv\w*|shipped|deliver\w*|dispatched|when will|when does|has it|any news|update|dónde|donde|estado|llega\w*|wo|wann|kommt|angekommen)\b|(?:أين|حالة|متى)/iu;

// Dissatisfaction, damage, loss, waiting, being wronged (en, es, de, ar). "How late", "open
// late" and "late fee" ask about hours and fees: no apology for those.
const COMPLAINT =
  /\b(?:broken|broke|damaged|defective|faulty|torn|ripped|cracked|shattered|crushed|wrong (?:item|size|colou?r|order|product)|missing|never (?:arrived|came|got)|hasn'?t (?:arrived|come)|has not (?:arrived|come)|still (?:waiting|not|haven'?t)|(?<!\bhow\s)(?<!\bopen\s)late(?!\s+(?:fees?|hours|night|checkout|opening))|delayed|terrible|awful|horrible|ridiculous|unacceptable|disappointed|disappointing|angry|furious|frustrated|upset|unhappy|complain|complaint|scam|worst|useless|rude|charged twice|double charged|overcharged|fell apart|stopped working|doesn'?t work|not working|ruined|roto|rota|rotos|dañad[oa]s?|defectuos[oa]|queja|reclamación|tarde|nunca llegó|no ha llegado|decepcionad[oa]|inaceptable|enfadad[oa]|kaputt|beschädigt|defekt|beschwerde|enttäuscht|verspätet|nie angekommen|nicht angekommen|unverschämt|ärgerlich|falsche)\b|(?:مكسور|تالف|معطل|شكوى|متأخر|لم يصل|سيء|سيئ|غاضب)/iu;
/** "what if it breaks?", "can I return it if it is damaged?": a rule asked about, not a wrong suffered. */
const HYPOTHETICAL = /\b(?:if|what if|in case|would|could|si|falls|wenn)\b|(?:إذا|لو)/iu;

export function route(input: RouteInput): Routed {
  const { text, classified, clues } = input;
  const intent = classified.intent;

  if (asksForPerson(text) || (input.offeredPerson && YES.test(text))) return { route: 'person', intent: 'human' };
  const action = input.actions?.[intent];
  if (action?.action === 'reply') return { route: 'reply', intent, reply: action.reply };
  if (action?.action === 'ticket') return { route: 'person', intent };
  if (action?.action === 'order') return { route: 'order', intent };
  if (intent === 'greeting' && !action) return { route: 'greeting', intent };
  // The site's own intent keeps its name through the rules below (reports count it as the site named it).
  const own = action !== undefined || !(INTENTS as readonly string[]).includes(intent);

  const complaint = COMPLAINT.test(text) && !HYPOTHETICAL.test(text);
  if (complaint || (intent === 'complaint' && classified.score >= 0.8 && !HYPOTHETICAL.test(text))) {
    return { route: 'complaint', intent: own ? intent : 'complaint' };
  }

  if (clues.number || (OWN_ORDER.test(text) && ORDER_STATUS.test(text) && !HYPOTHETICAL.test(text))) return { route: 'order', intent: own ? intent : 'order_status' };
  // A bare email right after an order question answers that question.
  if (clues.email && input.earlier.slice(0, 2).some((t) => OWN_ORDER.test(t) || /\border\b/iu.test(t))) {
    return { route: 'order', intent: own ? intent : 'order_status' };
  }

  // The classifier's 'human' and 'complaint' without the words for them, and 'order_status'
  // without an order, are questions for the content ("how do I contact support?").
  // An intent the site maps to `answer` is reported as itself.
  const asQuestion = !own && (intent === 'human' || intent === 'complaint' || intent === 'order_status') ? 'other' : intent;
  return { route: 'question', intent: asQuestion };
}

/** "Can I talk to a person?", "agent", "quiero hablar con una persona": not "how do I contact Facebook support?". */
export function asksForPerson(text: string): boolean {
  return BARE_PERSON.test(text) || ASKS_FOR_PERSON.some((re) => re.test(text));
}
