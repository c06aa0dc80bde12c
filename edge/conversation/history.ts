import type { HistoryEntry, TicketState } from '@support-chat/protocol';
import type { Db, MessageRow, TicketRow } from '../core/ports';

/** A conversation as the protocol shows it: its messages and tickets, in the order they came. */
export async function loadHistory(db: Db, conversationId: string, team?: string): Promise<HistoryEntry[]> {
  const [messages, tickets] = await Promise.all([db.messages.list(conversationId), db.tickets.ofConversation(conversationId)]);
  return toHistory(messages, tickets, team);
}

/** `team`: the site's name, which the widget shows beside the person's ("Alex from Juniper Peak"). */
export function toHistory(rows: MessageRow[], tickets: TicketRow[] = [], team?: string): HistoryEntry[] {
  const entries = rows.map((m): [number, HistoryEntry] => {
    const at = m.createdAt.toISOString();
    if (m.role === 'user') return [m.createdAt.getTime(), { role: 'user', id: m.clientId, text: m.text, at }];
    if (m.role === 'agent') return [m.createdAt.getTime(), { role: 'agent', id: m.clientId, text: m.text, agent: { name: m.agentName ?? 'Support' }, at }];
    return [
      m.createdAt.getTime(),
      { role: 'assistant', id: m.clientId, replyTo: m.replyTo ?? '', text: m.text, citations: m.citations, confidence: m.confidence ?? 0, at },
    ];
  });
  for (const t of tickets) {
    entries.push([t.createdAt.getTime(), { role: 'ticket', ...ticketState(t, { team }), at: t.createdAt.toISOString() }]);
  }
  // A stable sort keeps messages of the same instant in their stored order.
  return entries.sort((a, b) => a[0] - b[0]).map(([, e]) => e);
}

/** What the widget is told of a ticket: never the contact address itself, only that one was left. */
export function ticketState(t: TicketRow, extra: { offline?: boolean; team?: string } = {}): TicketState {
  return {
    ticket: t.id,
    number: t.number,
    status: t.status,
    ...(t.assignee ? { agent: { name: t.assignee.name, ...(extra.team ? { team: extra.team } : {}) } } : {}),
    ...(extra.offline ? { offline: true } : {}),
    ...(t.contactEmail ? { contact: true } : {}),
  };
}
