/**
 * The default "model" of the OpenAI fake: it reads the prompt the way a grounded model is asked
 * to (the numbered sources, the question, a tool's result) and answers with the statement that
 * best matches, citing its number; it calls lookup_order when offered the tool and given an
 * order number with an email, and says so when nothing matches.
 */
import { terms } from './http';
import type { ChatReply, ChatRequest } from './openai-server';

const NOT_FOUND = "I couldn't find this in our help content. Would you like me to connect you with a person from our team?";

/** Answers from the numbered sources it was given (or a tool's result), citing them. */
export function groundedModel(chat: ChatRequest): ChatReply {
  const last = chat.messages.at(-1)!;
  if (last.role === 'tool') {
    const found = parseSources(stripTag(last.content ?? '', 'tool_result'));
    if (found.length === 0) return { type: 'text', text: "I couldn't find that order. Please check the order number and the email, or ask to talk to a person." };
    return { type: 'text', text: `${firstSentence(found[0].text)} [${found[0].n}].` };
  }
  const user = [...chat.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const question = stripTag(user, 'question');
  const order = /\b([A-Z]{2,4}-\d{4,8})\b/.exec(question)?.[1];
  const email = /[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}/i.exec(question)?.[0];
  if (order && email && chat.tools?.some((t) => t.function.name === 'lookup_order') && chat.tool_choice !== 'none') {
    return { type: 'tool_calls', calls: [{ name: 'lookup_order', arguments: { order_number: order, email } }] };
  }
  const sources = parseSources(stripTag(user, 'sources'));
  const q = new Set(terms(question));
  let best: { n: number; text: string; score: number } | null = null;
  for (const s of sources) {
    const score = terms(`${s.title} ${s.text}`).filter((t) => q.has(t)).length;
    if (score > 0 && (!best || score > best.score)) best = { ...s, score };
  }
  if (!best) return { type: 'text', text: NOT_FOUND };
  return { type: 'text', text: `${bestSentence(best.text, q)} [${best.n}].` };
}

function stripTag(text: string, tag: string): string {
  const m = new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(text);
  return m ? m[1] : '';
}

/** Reads back what `renderSources` wrote: "[n] title", then the passage. */
function parseSources(block: string): { n: number; title: string; text: string }[] {
  const out: { n: number; title: string; text: string }[] = [];
  for (const part of block.split(/\n\n(?=\[\d+\] )/)) {
    const m = /^\[(\d+)\] (.*)\n([\s\S]*)$/.exec(part.trim());
    if (m) out.push({ n: Number(m[1]), title: m[2], text: m[3].trim() });
  }
  return out;
}

/** The statement (not a question) sharing most words with the question, without its stop. */
function bestSentence(text: string, q: Set<string>): string {
  const sentences = (text.replace(/\s+/g, ' ').match(/[^.!?]+[.!?]+/g) ?? [text]).map((x) => x.trim()).filter((x) => !x.endsWith('?') && x.length > 10);
  let best = sentences[0] ?? text;
  let score = -1;
  for (const sentence of sentences) {
    const n = terms(sentence).filter((t) => q.has(t)).length;
    if (n > score) [best, score] = [sentence, n];
  }
  return best.replace(/[.!?]+$/, '');
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const m = /^(.{20,}?[.!?])(\s|$)/.exec(flat);
  return (m ? m[1] : flat.slice(0, 200)).replace(/[.!?]$/, '');
}

/** The grounded model, streaming a piece every 30 ms as a hosted model does (not all at once). */
export function paced(chat: ChatRequest): ChatReply {
  const reply = groundedModel(chat);
  return reply.type === 'text' ? { ...reply, pieceDelayMs: 30 } : reply;
}
