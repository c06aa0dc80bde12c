/**
 * A ticket's life once a person is involved: taken from the queue, answered, closed. Each step
 * is stored first, then told to the conversation through its session log, so the visitor's
 * widget and every agent watching hear it at once, on any process (or in the conversation's
 * Durable Object), and a reload shows the same thing from the database.
 */
import type { Deps } from '../core/deps';
import type { AgentRow, TicketRow } from '../core/ports';
import { recentSite } from '../core/sites/recent';
import { offlineAfterMinutes } from '../core/sites/settings';
import { tell } from './notifications';
import { ticketState } from '../conversation/history';
import type { SessionEvents } from '../conversation/session-log';

export const MAX_REPLY_CHARS = 4000;

export class TicketError extends Error {
  constructor(
    readonly code: 'not_found' | 'unknown_agent' | 'ticket_taken' | 'ticket_closed' | 'invalid_request',
    message: string,
    readonly ticket?: TicketRow,
  ) {
    super(message);
    this.name = 'TicketError';
  }
}

/**
 * Who acts on a ticket: a signed-in agent, or an admin token (`agent` scope) acting for one of
 * the site's agents. A token may close a ticket as itself; taking and answering need a person.
 */
export interface Actor {
  agent?: Pick<AgentRow, 'id' | 'name' | 'siteId'>;
  /** For the audit trail: "agent:a_…" or "token:…", and the caller's address. */
  actor: string;
  address?: string;
}

/** The ticket, if the actor may see it: an agent sees only their own site's. */
export async function ticketFor(deps: Deps, id: string, siteId: string): Promise<TicketRow> {
  const ticket = await deps.db.tickets.get(id);
  // Another site's ticket is as unknown as a missing one: its id says nothing about it.
  if (!ticket || ticket.siteId !== siteId) throw new TicketError('not_found', `no ticket "${id.slice(0, 64)}"`);
  return ticket;
}

/** Whether nobody of the site has been active lately: the visitor is told and asked for an email. */
export async function nobodyOnline(deps: Deps, siteId: string): Promise<boolean> {
  const minutes = offlineAfterMinutes((await recentSite(deps, siteId))?.settings);
  return !(await deps.db.agents.anySeenSince(siteId, new Date(deps.clock.now() - minutes * 60_000)));
}

/** Takes the ticket (or takes it over with `force`); the visitor sees "Alex joined". */
export async function assignTicket(deps: Deps, log: SessionEvents, ticket: TicketRow, by: Actor, force = false): Promise<TicketRow> {
  const agent = personOf(by);
  if (ticket.status === 'closed') throw new TicketError('ticket_closed', `ticket #${ticket.number} is closed`, ticket);
  const { ticket: now, changed } = await deps.db.tickets.assign(ticket.id, agent.id, { force });
  if (!now) throw new TicketError('not_found', `no ticket "${ticket.id}"`);
  if (now.status === 'closed') throw new TicketError('ticket_closed', `ticket #${now.number} is closed`, now);
  if (now.assignee && now.assignee.id !== agent.id) {
    throw new TicketError('ticket_taken', `${now.assignee.name} holds ticket #${now.number}`, now);
  }
  if (changed) {
    await audit(deps, by, 'ticket.assign', now, force && ticket.assignee ? { from: ticket.assignee.id } : {});
    await log.emit(now.conversationId, { type: 'handoff', ...ticketState(now, { team: await teamOf(deps, now.siteId) }) });
    await log.checkpoint(now.conversationId);
  }
  return now;
}

/** A person's reply: stored, then shown in the widget with their name. Takes a ticket nobody holds. */
export async function replyToTicket(
  deps: Deps,
  log: SessionEvents,
  ticket: TicketRow,
  by: Actor,
  text: string,
): Promise<{ ticket: TicketRow; message: { id: string; text: string; agent: { name: string }; at: string } }> {
  const body = text.replaceAll('\u0000', '').trim();
  if (!body) throw new TicketError('invalid_request', 'reply: "text" is empty');
  if (body.length > MAX_REPLY_CHARS) throw new TicketError('invalid_request', `reply: "text" exceeds ${MAX_REPLY_CHARS} characters`);
  const agent = personOf(by);
  if (ticket.status === 'closed') throw new TicketError('ticket_closed', `ticket #${ticket.number} is closed: the visitor is back with the assistant`, ticket);
  const held = ticket.assignee?.id === agent.id ? ticket : await assignTicket(deps, log, ticket, by);
  const id = deps.newId('g');
  const at = new Date(deps.clock.now());
  await deps.db.messages.add({
    id: deps.newId('m'),
    conversationId: held.conversationId,
    role: 'agent',
    clientId: id,
    replyTo: null,
    text: body,
    intent: null,
    citations: [],
    confidence: null,
    agentId: agent.id,
    agentName: agent.name,
    createdAt: at,
  });
  await deps.db.tickets.touch(held.id);
  const shown = { name: agent.name };
  await log.emit(held.conversationId, { type: 'agent.message', id, text: body, agent: shown });
  await log.checkpoint(held.conversationId);
  // The visitor left an email because nobody was online: the site's own system mails the reply.
  if (held.contactEmail) {
    const question = (await deps.db.messages.list(held.conversationId)).filter((m) => m.role === 'user').at(-1)?.text ?? null;
    tell(deps, held.siteId, { type: 'ticket.offline_reply', conversation: held.conversationId, ticket: held, contactEmail: held.contactEmail, text: body, agent: { id: agent.id, name: agent.name }, question });
  }
  return { ticket: held, message: { id, text: body, agent: shown, at: at.toISOString() } };
}

/** Closes the ticket: the assistant answers again, and the widget says so. */
export async function closeTicket(deps: Deps, log: SessionEvents, ticket: TicketRow, by: Actor): Promise<TicketRow> {
  const closed = await deps.db.tickets.close(ticket.id, new Date(deps.clock.now()));
  if (!closed) throw new TicketError('ticket_closed', `ticket #${ticket.number} is already closed`, ticket);
  await audit(deps, by, 'ticket.close', closed);
  await log.emit(closed.conversationId, { type: 'handoff', ...ticketState(closed, { team: await teamOf(deps, closed.siteId) }) });
  await log.checkpoint(closed.conversationId);
  return closed;
}

/** The name the widget shows the person answering for: the site's. */
export async function teamOf(deps: Deps, siteId: string): Promise<string | undefined> {
  return (await recentSite(deps, siteId))?.name || undefined;
}

function personOf(by: Actor): NonNullable<Actor['agent']> {
  if (!by.agent) throw new TicketError('invalid_request', 'name the agent this is done as ("agent": its id)');
  return by.agent;
}

function audit(deps: Deps, by: Actor, action: string, t: TicketRow, detail: Record<string, unknown> = {}): Promise<void> {
  return deps.db.audit.add({
    siteId: t.siteId,
    actor: by.actor,
    action,
    detail: { ticket: t.id, number: t.number, conversation: t.conversationId, ...detail, ...(by.address ? { address: by.address } : {}) },
  });
}
