import type { MessageRow } from '../../../core/ports';
import { BoundedMap } from '../../../core/bounded-map';

/** Conversations whose message ids are remembered: far above the conversations live at once. */
const REMEMBERED_CONVERSATIONS = 5000;
/** Latest messages kept per conversation: above what a turn reads (`TURN_HISTORY`). */
export const KEPT_LATEST = 32;
/** Characters of message text kept over all conversations (~32 MB at most). */
const KEPT_TEXT = 16_000_000;

/** A message as stored: `n` orders messages of the same instant. */
export interface KeptMessage {
  row: MessageRow;
  n: number;
}

interface Latest {
  /** Oldest first, at most KEPT_LATEST. */
  messages: readonly KeptMessage[];
  /** These are all the conversation's messages (it has no older ones). */
  all: boolean;
  /** What they weigh against KEPT_TEXT. */
  size: number;
}

const weight = (m: KeptMessage) => m.row.text.length + 100;

function latestOf(messages: readonly KeptMessage[], all: boolean): Latest {
  let size = 0;
  for (const m of messages) size += weight(m);
  return { messages, all, size };
}

/**
 * What this process remembers of conversations on a database only it writes (PGlite): each
 * conversation's message client ids (is a message a resend?) and its latest messages (what a
 * turn reads). Each is read once and then kept current by the messages added through the repo,
 * so a turn costs no read. A deleted conversation or site, or a restored backup, drops it.
 */
export class ConversationMemory {
  private readonly ids = new BoundedMap<string, Set<string>>(REMEMBERED_CONVERSATIONS);
  private readonly latest = new BoundedMap<string, Latest>(KEPT_TEXT, (l) => l.size);
  /** Reads in flight per conversation: a message added meanwhile makes what they read stale. */
  private readonly reading = new Map<string, Set<{ stale: boolean }>>();

  clientIds(conversationId: string): ReadonlySet<string> | undefined {
    return this.ids.get(conversationId);
  }

  /** The last `limit` messages, oldest first, when they are known. */
  recent(conversationId: string, limit: number): MessageRow[] | undefined {
    const kept = this.latest.get(conversationId);
    if (!kept || (!kept.all && kept.messages.length < limit)) return undefined;
    return kept.messages.slice(-limit).map((m) => m.row);
  }

  /**
   * Runs a read of the conversation and keeps what `keep` makes of it, unless a message was
   * added or the conversation dropped while it ran (the read may have missed that).
   */
  async read<T>(conversationId: string, query: () => Promise<T>, keep: (result: T) => void): Promise<T> {
    const token = { stale: false };
    let tokens = this.reading.get(conversationId);
    if (!tokens) this.reading.set(conversationId, (tokens = new Set()));
    tokens.add(token);
    try {
      const result = await query();
      if (!token.stale) keep(result);
      return result;
    } finally {
      tokens.delete(token);
      if (tokens.size === 0 && this.reading.get(conversationId) === tokens) this.reading.delete(conversationId);
    }
  }

  keepIds(conversationId: string, ids: Set<string>): void {
    this.ids.set(conversationId, ids);
  }

  /** `messages` oldest first: the latest `limit` were asked for, so fewer are all there is. */
  keepLatest(conversationId: string, messages: KeptMessage[], limit: number): void {
    this.latest.set(conversationId, latestOf(messages.slice(-KEPT_LATEST), messages.length < limit));
  }

  /** A message is about to be written: reads already running may miss it. */
  adding(conversationId: string): void {
    this.stale(conversationId);
  }

  /** A message was written (not a resend the database kept once already). */
  added(message: KeptMessage): void {
    const { conversationId, clientId } = message.row;
    this.ids.get(conversationId)?.add(clientId);
    const kept = this.latest.get(conversationId);
    if (!kept || kept.messages.some((m) => m.row.id === message.row.id)) return;
    // In the database's order: a restored message may be older than the latest.
    const at = kept.messages.findLastIndex((m) => before(m, message)) + 1;
    if (at === 0 && !kept.all) return; // older than every kept one: outside the window
    const messages = [...kept.messages.slice(0, at), message, ...kept.messages.slice(at)];
    const trimmed = messages.length > KEPT_LATEST ? messages.shift()! : null;
    this.latest.set(conversationId, { messages, all: kept.all && !trimmed, size: kept.size + weight(message) - (trimmed ? weight(trimmed) : 0) });
  }

  /** The conversation was deleted. */
  forget(conversationId: string): void {
    this.ids.delete(conversationId);
    this.latest.delete(conversationId);
    this.stale(conversationId);
  }

  /** Many conversations changed at once (a site deleted, a backup restored). */
  clear(): void {
    this.ids.clear();
    this.latest.clear();
    for (const id of this.reading.keys()) this.stale(id);
  }

  private stale(conversationId: string): void {
    for (const token of this.reading.get(conversationId) ?? []) token.stale = true;
  }
}

/** The database's order of messages: by time, then insertion. */
function before(a: KeptMessage, b: KeptMessage): boolean {
  const dt = a.row.createdAt.getTime() - b.row.createdAt.getTime();
  return dt < 0 || (dt === 0 && a.n < b.n);
}
