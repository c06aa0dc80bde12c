/**
 * Messages whose answering process died (a crash, a kill, a deploy past its grace period): they
 * are stored, acknowledged perhaps, but have no answer. Whichever process next serves the
 * conversation takes them over once the dead one's lease has lapsed.
 */
import type { ServerEvent } from '@support-chat/protocol';
import type { Deps } from '../core/deps';
import type { MessageRow } from '../core/ports';
import type { SessionEvents } from './session-log';

/** Older questions are left alone: answering them now would surprise more than help. */
export const ORPHAN_WINDOW_MS = 15 * 60_000;

const RESTARTED = '\n\n_The answer was interrupted; answering again._';

/**
 * The session's user messages without an answer, oldest first, sent within the window. Those
 * sent while a ticket was live went to people: the assistant never answers them, not even
 * after the ticket closes.
 */
export async function unanswered(deps: Deps, session: string): Promise<MessageRow[]> {
  const [messages, tickets] = await Promise.all([deps.db.messages.list(session), deps.db.tickets.ofConversation(session)]);
  const answered = new Set(messages.filter((m) => m.role === 'assistant').map((m) => m.replyTo));
  const since = deps.clock.now() - ORPHAN_WINDOW_MS;
  const toPeople = (at: number) => tickets.some((t) => t.createdAt.getTime() <= at && (t.closedAt === null || at < t.closedAt.getTime()));
  return messages.filter((m) => m.role === 'user' && !answered.has(m.clientId) && m.createdAt.getTime() >= since && !toPeople(m.createdAt.getTime()));
}

export async function isAnswered(deps: Deps, session: string, messageId: string): Promise<boolean> {
  return (await deps.db.messages.list(session)).some((m) => m.role === 'assistant' && m.replyTo === messageId);
}

/**
 * Ends an answer the dead process left half-streamed, so the visitor's widget stops waiting on
 * it; the new answer follows under its own id. What it streamed is still in the log (the
 * events after the last checkpoint), unless the log itself was lost.
 */
export async function endInterrupted(deps: Deps, log: SessionEvents, session: string, messageId: string, known?: string): Promise<void> {
  const since = (await deps.db.conversations.get(session))?.lastSeq ?? 0;
  const events: ServerEvent[] = (await log.replay(session, since)) ?? [];
  const ended = new Set(events.filter((e) => e.type === 'answer.end').map((e) => e.id));
  const open = new Set<string>();
  for (const e of events) if (e.type === 'answer.start' && e.replyTo === messageId) open.add(e.id);
  // This process's own failed attempt, though the log lost it (a session store that restarted empty).
  if (known) open.add(known);
  for (const id of open) {
    if (ended.has(id)) continue;
    await log.emit(session, { type: 'answer.delta', id, text: RESTARTED });
    await log.emit(session, { type: 'answer.end', id, citations: [], confidence: 0 });
  }
}
