import type { HistoryEntry } from '../../sdk/protocol';
import type { MessageRow } from '../core/ports';

export function toHistory(rows: MessageRow[]): HistoryEntry[] {
  return rows.map((m): HistoryEntry => {
    const at = m.createdAt.toISOString();
    if (m.role === 'user') return { role: 'user', id: m.clientId, text: m.text, at };
    if (m.role === 'agent') return { role: 'agent', text: m.text, agent: { name: 'Support' }, at };
    return {
      role: 'assistant',
      id: m.clientId,
      replyTo: m.replyTo ?? '',
      text: m.text,
      citations: m.citations,
      confidence: m.confidence ?? 0,
      at,
    };
  });
}
