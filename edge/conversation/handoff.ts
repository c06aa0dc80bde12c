import type { Deps } from '../core/deps';
import type { SessionEvents } from './session-log';

/**
 * Opens a ticket for a person, or points at the one already open, so asking twice does not
 * queue the visitor twice.
 */
export async function openTicket(
  deps: Deps,
  log: SessionEvents,
  t: { siteId: string; session: string; reason: string },
): Promise<string> {
  const existing = await deps.db.tickets.openFor(t.session);
  const ticket =
    existing ??
    (await deps.db.tickets.open({ id: deps.newId('t'), siteId: t.siteId, conversationId: t.session, reason: t.reason.slice(0, 2000) }));
  if (!existing) {
    await deps.db.audit.add({ siteId: t.siteId, actor: 'visitor', action: 'ticket.open', detail: { ticket: ticket.id, conversation: t.session } });
    deps.log.info('handoff: ticket opened', { ticket: ticket.id, site: t.siteId });
  }
  await log.emit(t.session, { type: 'handoff', ticket: ticket.id, status: ticket.status });
  return ticket.id;
}
