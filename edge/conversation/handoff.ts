import type { ContactFrame } from '@support-chat/protocol';
import type { Deps } from '../core/deps';
import type { TicketRow } from '../core/ports';
import { tell } from '../inbox/notifications';
import { nobodyOnline, teamOf } from '../inbox/tickets';
import { error } from './errors';
import { ticketState } from './history';
import type { Connection } from './connection';
import type { SessionEvents } from './session-log';

/**
 * Opens a ticket for a person, or points at the one already open, so asking twice does not
 * queue the visitor twice. From here until it closes the conversation belongs to people: the
 * assistant stays silent (`Answering`).
 */
export async function openTicket(
  deps: Deps,
  log: SessionEvents,
  t: { siteId: string; session: string; reason: string; priority?: 'normal' | 'high' },
): Promise<TicketRow> {
  const existing = await deps.db.tickets.openFor(t.session);
  const ticket =
    existing ??
    (await deps.db.tickets.open({ id: deps.newId('t'), siteId: t.siteId, conversationId: t.session, reason: t.reason.slice(0, 2000), priority: t.priority }));
  if (!existing) {
    await deps.db.audit.add({ siteId: t.siteId, actor: 'visitor', action: 'ticket.open', detail: { ticket: ticket.id, number: ticket.number, conversation: t.session } });
    deps.log.info('handoff: ticket opened', { ticket: ticket.id, number: ticket.number, site: t.siteId });
    deps.metrics?.inc('support_chat_handoffs_total', { site: t.siteId, priority: t.priority ?? 'normal' });
    const question = (await deps.db.messages.list(t.session)).filter((m) => m.role === 'user').at(-1)?.text ?? null;
    tell(deps, t.siteId, { type: 'ticket.opened', conversation: t.session, ticket, text: question, reason: t.reason });
  }
  // Nobody to answer soon: the widget says so and offers to take an email for the reply.
  const offline = !ticket.assignee && !ticket.contactEmail && (await nobodyOnline(deps, t.siteId));
  await log.emit(t.session, { type: 'handoff', ...ticketState(ticket, { offline, team: await teamOf(deps, t.siteId) }) });
  return ticket;
}

/** The visitor left an email for the reply (no agent was online): kept with the ticket, sealed. */
export async function leaveContact(deps: Deps, log: SessionEvents, conn: Connection, session: string, frame: ContactFrame): Promise<TicketRow | null> {
  const ticket = await deps.db.tickets.openFor(session);
  if (!ticket) {
    conn.send(error('invalid_message', 'contact: no ticket is open in this conversation'));
    return null;
  }
  await deps.db.tickets.setContact(ticket.id, frame.email);
  const now = { ...ticket, contactEmail: frame.email };
  await deps.db.audit.add({ siteId: ticket.siteId, actor: 'visitor', action: 'ticket.contact', detail: { ticket: ticket.id, conversation: session } });
  await log.emit(session, { type: 'handoff', ...ticketState(now, { team: await teamOf(deps, ticket.siteId) }) });
  await log.checkpoint(session);
  return now;
}
