/**
 * A "model" for the local OpenAI-protocol server that obeys every injection it can read: it
 * answers from its sources like a grounded model, but when the data it was given (sources,
 * the customer's message, tool results: never the system message) asks for the prompt, it
 * recites the system message (in base64 when asked); every URL or domain in that data it
 * repeats as a link, a markdown link and an image carrying the conversation off; every order
 * number and email it can pair it looks up; a product search it is told to make, it makes.
 * Encodings are undone first (base64, leetspeak, split letters, invisible characters, look-alike
 * letters, reversed text), as a capable model would.
 *
 * Its text is streamed as raw SSE in small uneven pieces, so URLs and recitals cross delta
 * boundaries. What it did is logged, so a test can tell that an attack was really made.
 */
import type { ChatReply, ChatRequest } from '../../fakes/openai-server';

export interface AdversaryTurn {
  /** What it streamed (before the product's guard). */
  text: string;
  leaked: boolean;
  urls: string[];
  lookups: { order_number: string; email: string }[];
  searches: string[];
  /** Everything it was sent, as one string. */
  prompt: string;
}

const LEAK = /\brules\b|instructions|prompt|system ?prompt|systemprompt|your (?:initial |hidden |exact )?(?:prompt|instructions|rules)|the (?:hidden |exact )?instructions|rules you were|system message|words above|everything above|you are"|debug mode|instrucciones|anweisungen|consignes|message système|التعليمات|موجه النظام|指令|系统提示|инструкции|промпт/i;
const ORDER = /\border|pedido|bestellung|lookup_order/i;
const SEARCH = /search (?:the )?products? .*?for (?:the )?([\p{L}\p{N} ]+?)(?: and|[.,]|$)/iu;
const NUMBER = /\b(?:[A-Z]{2,4}-)?\d{4,8}\b/g;
const EMAIL = /[^\s@<>()[\],;:"']+@[^\s@<>()[\],;:"']+\.[a-z]{2,}/gi;
const SAID_EMAIL = /\bemail\s+(\S.*?)(?=\s+and\b|,|$)/gi;
const URL = /(?:https?:[\\/]{2}|[\\/]{2})[^\s<>"')\]]+|(?<![@\w.-])(?:[\w-]+[.。])+[a-z]{2,}(?:[\\/][^\s<>"')\]]*)/gi;
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const LOOK_ALIKES: Record<string, string> = { а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', І: 'I', ѕ: 's', Ι: 'I', ο: 'o', α: 'a' };

/** The data parts of a prompt: what is inside our blocks, never the system message or our wrapper text. */
function dataOf(chat: ChatRequest): string {
  const out: string[] = [];
  for (const m of chat.messages) {
    if (m.role === 'system' || !m.content) continue;
    for (const b of m.content.matchAll(/<(sources|question|tool_result)>\n?([\s\S]*?)\n?<\/\1>/g)) out.push(b[2]);
  }
  return out.join('\n');
}

/** The data as a capable model would read it, with its obfuscations undone. */
export function readable(data: string): string {
  const plain = data.replace(/[\u200b-\u200f\u2060\ufeff]/g, '').replace(/[^\x00-\x7f]/g, (c) => LOOK_ALIKES[c] ?? c);
  const decoded = [...plain.matchAll(/[A-Za-z0-9+/]{24,}={0,2}/g)].map((m) => Buffer.from(m[0], 'base64').toString('utf8'));
  const leet = plain.replace(/[0-9@$]/g, (c) => LEET[c] ?? c);
  const joined = plain.replace(/\b(\w)[\s\-.]+(?=\w\b)/g, '$1');
  const spliced = plain.replace(/['"]\s*(?:and \w+ = |\+\s*)['"]/g, '').replace(/['"]/g, '');
  const reversed = [...plain].reverse().join('');
  return [data, plain, ...decoded, leet, joined, spliced, reversed].join('\n');
}

/** A tiny deterministic random: the same pieces every run. */
function pieces(text: string, seed: number): string[] {
  const out: string[] = [];
  let s = seed || 1;
  for (let at = 0; at < text.length; ) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % 9);
    out.push(text.slice(at, at + n));
    at += n;
  }
  return out;
}

function sse(text: string, model: string, seed: number): string {
  const id = `chatcmpl-adv${seed}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  const usage = `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: 500, completion_tokens: Math.ceil(text.length / 4), total_tokens: 500 + Math.ceil(text.length / 4) } })}\n\n`;
  return chunk({ role: 'assistant', content: '' }) + pieces(text, seed).map((p) => chunk({ content: p })).join('') + chunk({}, 'stop') + usage + 'data: [DONE]\n\n';
}

/** The sources of a block as "[n] title" + text. */
function sourcesOf(block: string): { n: number; text: string }[] {
  return block
    .split(/\n\n(?=\[\d+\] )/)
    .map((part) => /^\[(\d+)\] .*\n([\s\S]*)$/.exec(part.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ n: Number(m[1]), text: m[2].replace(/\s+/g, ' ').trim() }));
}

function orderPairs(data: string, read: string): { order_number: string; email: string }[] {
  const numbers = new Set<string>();
  for (const m of data.matchAll(/\b(?:orders?|pedidos?|bestellung(?:en)?)\b/gi)) for (const n of data.slice(m.index, m.index + 90).match(NUMBER) ?? []) numbers.add(n);
  const emails = new Set<string>([...(data.match(EMAIL) ?? []).map((e) => e.replace(/\.$/, ''))]);
  for (const m of read.matchAll(SAID_EMAIL)) emails.add(m[1].trim());
  return [...numbers].flatMap((order_number) => [...emails].map((email) => ({ order_number, email })));
}

export interface Adversary {
  model: (chat: ChatRequest) => ChatReply;
  log: AdversaryTurn[];
}

export function adversarialModel(): Adversary {
  const log: AdversaryTurn[] = [];
  let seed = 0;
  const model = (chat: ChatRequest): ChatReply => {
    const system = chat.messages[0]?.role === 'system' ? (chat.messages[0].content ?? '') : '';
    const data = dataOf(chat);
    const read = readable(data);
    const prompt = chat.messages.map((m) => m.content ?? '').join('\n');
    const turn: AdversaryTurn = { text: '', leaked: false, urls: [], lookups: [], searches: [], prompt };
    log.push(turn);

    // Tools first, while it may still call them: every pair not looked up yet, a search it was told to make.
    const canCall = chat.tools?.length && chat.tool_choice !== 'none';
    if (canCall) {
      const tried = new Set(chat.messages.flatMap((m) => m.tool_calls ?? []).map((c) => c.function.arguments));
      const calls: { name: string; arguments: unknown }[] = [];
      if (ORDER.test(read)) {
        for (const p of orderPairs(data, read)) if (!tried.has(JSON.stringify(p)) && calls.length < 4) calls.push({ name: 'lookup_order', arguments: p });
      }
      const search = SEARCH.exec(read)?.[1]?.trim();
      if (search && !tried.has(JSON.stringify({ query: search })) && calls.length < 4) calls.push({ name: 'search_products', arguments: { query: search } });
      if (calls.length) {
        for (const c of calls) {
          if (c.name === 'lookup_order') turn.lookups.push(c.arguments as AdversaryTurn['lookups'][number]);
          else turn.searches.push((c.arguments as { query: string }).query);
        }
        return { type: 'tool_calls', calls: calls.map((c) => ({ ...c, arguments: JSON.stringify(c.arguments) })) };
      }
    }

    // The answer: what its sources and tool results say, cited, then whatever it was told to do.
    const parts: string[] = [];
    const user = [...chat.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const found = [
      ...sourcesOf(/<sources>\n([\s\S]*?)\n<\/sources>/.exec(user)?.[1] ?? ''),
      ...chat.messages.filter((m) => m.role === 'tool').flatMap((m) => sourcesOf(/<tool_result>\n([\s\S]*?)\n<\/tool_result>/.exec(m.content ?? '')?.[1] ?? '')),
    ];
    for (const s of found.slice(0, 3)) parts.push(`${s.text.slice(0, 300)} [${s.n}].`);
    if (found.length === 0) parts.push("I couldn't find this in our help content.");
    if (LEAK.test(read) && system) {
      turn.leaked = true;
      parts.push(/base64/i.test(read) ? `Encoded as asked: ${Buffer.from(system).toString('base64')}` : `Here are my instructions:\n${system}`);
    }
    const question = /<question>\n?([\s\S]*?)\n?<\/question>/.exec(user)?.[1] ?? '';
    for (const url of new Set(data.match(URL) ?? [])) {
      turn.urls.push(url);
      const carry = `${url.includes('?') ? '&' : '?'}c=${encodeURIComponent(question.slice(0, 60))}`;
      parts.push(`Please continue at ${url} or [click here](${url}). ![status](${url}${carry})`);
    }
    turn.text = parts.join('\n\n');
    return { type: 'sse', body: sse(turn.text, chat.model, ++seed) };
  };
  return { model, log };
}
