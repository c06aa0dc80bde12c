/**
 * The inbox's API (`/agent/api/*`, protocol/inbox.ts): a signed-in agent's queue, a ticket with
 * its transcript, and what an agent does to it. An agent sees their own site's tickets only;
 * another site's ticket is "not found". Writes change the conversation, so they run where its
 * events are numbered: here on Node (`log`), in its Durable Object on Workers (`forward`).
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Page, TicketDetail, TicketSummary } from '@support-chat/protocol/inbox';
import type { Deps } from '../core/deps';
import type { QueuedTicket, TicketRow } from '../core/ports';
import { BadCursor, pageOf, pageRequest } from '../core/pagination';
import { loadHistory } from '../conversation/history';
import type { SessionEvents } from '../conversation/session-log';
import { assignTicket, closeTicket, replyToTicket, TicketError, ticketFor, type Actor } from '../inbox/tickets';
import { suggestReply } from '../inbox/suggest';
import { requireAgent, signedInAgent } from './agent-auth';
import type { AddressOf } from './client-address';

/** How a write reaches the conversation: its log here, or its Durable Object (the Worker). */
export type TicketWrites =
  | { log: SessionEvents }
  | { forward(ticket: TicketRow, request: Request, actor: Actor): Promise<Response> };

export type TicketAction = 'assign' | 'reply' | 'close';

const assignBody = z.object({ force: z.boolean().optional() });
const replyBody = z.object({ text: z.string().max(20_000) });

export function mountAgentApi(app: Hono, deps: Deps, writes: TicketWrites, addressOf: AddressOf = () => undefined): void {
  app.use('/agent/api/*', requireAgent(deps));

  app.get('/agent/api/tickets', (c) => listTickets(c, deps, signedInAgent(c).siteId));

  app.get('/agent/api/tickets/:id', async (c) => {
    try {
      return c.json(await ticketDetail(deps, await ticketFor(deps, c.req.param('id'), signedInAgent(c).siteId)));
    } catch (err) {
      return fail(c, err);
    }
  });

  app.post('/agent/api/tickets/:id/suggest', async (c) => {
    try {
      const ticket = await ticketFor(deps, c.req.param('id'), signedInAgent(c).siteId);
      return c.json(await suggestReply(deps, ticket, AbortSignal.timeout(deps.settings.answerTimeoutMs)));
    } catch (err) {
      return fail(c, err);
    }
  });

  for (const action of ['assign', 'reply', 'close'] as const) {
    app.post(`/agent/api/tickets/:id/${action}`, async (c) => {
      const agent = signedInAgent(c);
      const address = addressOf(c);
      const actor: Actor = { agent, actor: `agent:${agent.id}`, ...(address ? { address } : {}) };
      try {
        const ticket = await ticketFor(deps, c.req.param('id'), agent.siteId);
        return await write(c, deps, writes, ticket, actor, action);
      } catch (err) {
        return fail(c, err);
      }
    });
  }
}

/** A page of the queue (`status=open`) or of closed tickets, one site's or every site's. */
export async function listTickets(c: Context, deps: Deps, siteId: string | undefined): Promise<Response> {
  const status = c.req.query('status') ?? 'open';
  if (status !== 'open' && status !== 'closed') return fail(c, new TicketError('invalid_request', '"status" must be open or closed'));
  let page;
  try {
    page = pageRequest({ limit: c.req.query('limit'), cursor: c.req.query('cursor') });
  } catch (err) {
    if (err instanceof BadCursor) return fail(c, new TicketError('invalid_request', err.message));
    throw err;
  }
  const state = status === 'open' ? 'live' : 'closed';
  const rows = await deps.db.tickets.list({ siteId, state, limit: page.limit + 1, after: page.after });
  const { items, next } = pageOf(rows, page.limit, (t) => queueCursor(t, state));
  return c.json({ items: items.map(summary), next } satisfies Page<TicketSummary>);
}

/** A write where the ticket's conversation is: here, or forwarded to its Durable Object. */
export function write(c: Context, deps: Deps, writes: TicketWrites, ticket: TicketRow, actor: Actor, action: TicketAction): Promise<Response> {
  return 'forward' in writes ? writes.forward(ticket, c.req.raw, actor) : act(c, deps, writes.log, ticket, actor, action);
}

/**
 * One write on a ticket, where its conversation's log is: the Node route above, or the
 * conversation's Durable Object with the actor the Worker checked.
 */
export async function act(c: Context, deps: Deps, log: SessionEvents, ticket: TicketRow, actor: Actor, action: TicketAction): Promise<Response> {
  try {
    const body: unknown = await c.req.json().catch(() => ({}));
    if (action === 'assign') {
      const parsed = assignBody.safeParse(body ?? {});
      if (!parsed.success) throw new TicketError('invalid_request', '"force" must be true or false');
      return c.json(summary(await assignTicket(deps, log, ticket, actor, parsed.data.force === true)));
    }
    if (action === 'reply') {
      const parsed = replyBody.safeParse(body);
      if (!parsed.success) throw new TicketError('invalid_request', 'reply takes {"text": "…"}');
      const done = await replyToTicket(deps, log, ticket, actor, parsed.data.text);
      return c.json({ message: done.message, ticket: summary(done.ticket) });
    }
    return c.json(summary(await closeTicket(deps, log, ticket, actor)));
  } catch (err) {
    return fail(c, err);
  }
}

export function summary(t: TicketRow & Partial<Pick<QueuedTicket, 'firstQuestion' | 'lastAnswer'>>): TicketSummary {
  return {
    id: t.id,
    number: t.number,
    siteId: t.siteId,
    conversationId: t.conversationId,
    status: t.status,
    priority: t.priority,
    reason: t.reason,
    assignee: t.assignee,
    firstQuestion: clip(t.firstQuestion ?? null),
    lastAnswer: clip(t.lastAnswer ?? null),
    contactEmail: t.contactEmail,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/** The queue's order as a cursor: priority rank and age for live tickets, closing time for closed ones. */
export function queueCursor(t: TicketRow, state: 'live' | 'closed') {
  return state === 'live'
    ? { key: `${t.priority === 'high' ? 0 : 1}|${t.createdAt.toISOString()}`, id: t.id }
    : { key: (t.closedAt ?? t.updatedAt).toISOString(), id: t.id };
}

export function fail(c: Context, err: unknown): Response {
  if (!(err instanceof TicketError)) throw err;
  const status = err.code === 'not_found' || err.code === 'unknown_agent' ? 404 : err.code === 'invalid_request' ? 400 : 409;
  const holder = err.code === 'ticket_taken' && err.ticket?.assignee ? { assignee: err.ticket.assignee } : {};
  return c.json({ error: { code: err.code, message: err.message, ...holder } }, status);
}

/** A ticket with its conversation's transcript and the last event number it covers. */
export async function ticketDetail(deps: Deps, ticket: TicketRow): Promise<TicketDetail> {
  const [transcript, conversation, live] = await Promise.all([
    loadHistory(deps.db, ticket.conversationId),
    deps.db.conversations.get(ticket.conversationId),
    deps.sessions.lastSeq(ticket.conversationId).catch(() => null),
  ]);
  // The session store's number is ahead of the stored checkpoint while the conversation is live.
  const seq = Math.max(live ?? 0, conversation?.lastSeq ?? 0);
  return { ticket: summary(withPeek(ticket, transcript)), transcript, seq };
}

function withPeek(t: TicketRow, transcript: Awaited<ReturnType<typeof loadHistory>>) {
  const first = transcript.find((e) => e.role === 'user');
  const last = transcript.filter((e) => e.role === 'assistant').at(-1);
  return { ...t, firstQuestion: first?.role === 'user' ? first.text : null, lastAnswer: last?.role === 'assistant' ? last.text : null };
}

const clip = (s: string | null, n = 280) => (s && s.length > n ? `${s.slice(0, n - 1)}…` : s);
