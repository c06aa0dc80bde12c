/**
 * One question through the product's HTTP chat endpoint (`POST /v1/chat`), each in a new
 * session. The response is read as server-sent events: `answer.end` carries the citations
 * and the `handoff` flag (a person is offered), a `handoff` event means a ticket was opened.
 */
import type { Citation, Intent } from '@support-chat/protocol';
import { EVAL_ORIGIN, EVAL_SITE, type EvalSite } from './site';

export interface Reply {
  text: string;
  intent: Intent | null;
  citations: Citation[];
  confidence: number | null;
  /** answer.end's flag: the reply offers (or, with a ticket, brings) a person. */
  handoff: boolean;
  ticket: string | null;
  ms: number;
}

let seq = 0;

export async function ask(site: EvalSite, text: string): Promise<Reply> {
  const id = `m${++seq}`;
  const start = performance.now();
  const res = await site.app.request('/v1/chat', {
    method: 'POST',
    body: JSON.stringify({ site: EVAL_SITE, id, text }),
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', origin: EVAL_ORIGIN },
  });
  const body = await res.text();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`POST /v1/chat answered ${res.status}: ${body.slice(0, 300)}`);
  const reply: Reply = { text: '', intent: null, citations: [], confidence: null, handoff: false, ticket: null, ms };
  for (const e of parseSse(body)) {
    const data = e.data as Record<string, unknown>;
    if (e.event === 'answer.start') reply.intent = data.intent as Intent;
    else if (e.event === 'answer.delta') reply.text += String(data.text ?? '');
    else if (e.event === 'answer.end') {
      reply.citations = (data.citations as Citation[]) ?? [];
      reply.confidence = typeof data.confidence === 'number' ? data.confidence : null;
      reply.handoff = data.handoff === true;
    } else if (e.event === 'handoff') reply.ticket = String(data.ticket);
    else if (e.event === 'error') throw new Error(`POST /v1/chat sent an error: ${JSON.stringify(data)}`);
  }
  return reply;
}

export function parseSse(body: string): { event: string; data: unknown }[] {
  const out: { event: string; data: unknown }[] = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length) out.push({ event, data: JSON.parse(data.join('\n')) });
  }
  return out;
}
