import type { ClientFrame, FeedbackFrame, HandoffFrame, HelloFrame, MessageFrame, TypingFrame } from '@support-chat/protocol';
import type { Deps } from '../core/deps';
import { holdFrames, type Connection, type Peer } from './connection';
import { loadHistory } from './history';
import { SessionLog, type SessionEvents } from './session-log';
import { leaveContact, openTicket } from './handoff';
import { tell } from '../inbox/notifications';
import { Answering } from './answering';
import { hashSecret, newSecret, secretMatches } from '../core/secrets';
import { recentSite } from '../core/sites/recent';
import { introFor } from './intro';
import { error, UnknownSession } from './errors';
import { countMessage, countNewConversation, RateLimited } from './limits';
import { pendingInSessions, type PendingConversation, type PendingConversations } from './pending';

const REMEMBERED = 10_000;

/**
 * Protocol v1 on the server, independent of the transport: the WebSocket route, the SSE and
 * JSON twins and the Durable Object all hand frames to one of these. Which process answers
 * a message, and when, is `Answering`'s part.
 */
export class ChatService {
  private readonly answering: Answering;
  /** Conversations this process knows have their database row (bounded; a miss only costs a look-up). */
  private readonly stored = new Set<string>();
  /** Conversations said hello to here and not yet written to the database. */
  private readonly pendingHere = new Map<string, PendingConversation>();

  constructor(
    private readonly deps: Deps,
    readonly log: SessionEvents = new SessionLog(deps.db, deps.sessions),
    private readonly pending: PendingConversations = pendingInSessions(deps.sessions),
  ) {
    this.answering = new Answering(deps, log, async (ticket, m) => {
      await deps.db.tickets.touch(ticket.id);
      // Nobody has taken it yet: the site hears the visitor is still waiting, and what they added.
      if (!ticket.assignee) tell(deps, m.siteId, { type: 'ticket.visitor_reply', conversation: m.session, ticket, text: m.text });
    });
  }

  async handle(peer: Peer, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'ping':
        return peer.conn.send({ type: 'pong' });
      case 'hello':
        return this.hello(peer, frame);
    }
    if (!peer.session) return peer.conn.send(error('invalid_message', `send "hello" before "${frame.type}"`));
    switch (frame.type) {
      case 'message':
        return this.message(peer, peer.session, frame);
      case 'feedback':
        return this.feedback(peer, peer.session, frame);
      case 'handoff':
        return this.handoff(peer.siteId, peer.session, frame);
      case 'typing':
        return this.typing(peer, peer.session, frame);
      case 'contact':
        await leaveContact(this.deps, this.log, peer.conn, peer.session, frame);
        return;
    }
  }

  /** Shown to the agent watching; at most one a second per connection, never stored. */
  typing(peer: Peer, session: string, frame: TypingFrame): void {
    const now = this.deps.clock.now();
    if (frame.active && peer.typedAt !== undefined && now - peer.typedAt < 1000) return;
    peer.typedAt = frame.active ? now : undefined;
    this.log.broadcast(session, { type: 'typing', who: 'visitor', active: frame.active });
  }

  async hello(peer: Peer, frame: HelloFrame): Promise<void> {
    const { newId } = this.deps;
    let conversation = frame.session ? await this.find(frame.session) : null;
    // Only on its own site and with its secret: an id seen in a URL, a log or a ticket resumes nothing.
    if (conversation && (conversation.siteId !== peer.siteId || !(await secretMatches(frame.resume, conversation.resumeHash)))) {
      conversation = null;
    }
    if (conversation && peer.assignedSession && conversation.id !== peer.assignedSession) {
      return peer.conn.send(error('invalid_message', 'hello: "session" does not match the conversation this socket was opened for'));
    }
    // Where the socket was routed to a conversation by its id (a Durable Object), a hello that
    // cannot show its secret must not get that one, and this socket can hold no other.
    if (!conversation && peer.assignedSession && (await this.find(peer.assignedSession))) {
      throw new UnknownSession();
    }
    const resuming = conversation !== null;
    const site = await recentSite(this.deps, peer.siteId);
    const eraseOnReset = site?.settings?.eraseOnReset === true;
    // Read meanwhile (at most every few minutes per site): never rejects, so nothing waits on a failure.
    const intro = site ? introFor(this.deps, site) : Promise.resolve(undefined);
    let resume: string | undefined;
    if (!conversation) {
      await countNewConversation(this.deps, peer);
      // Only its SHA-256 is kept: the secret itself goes to this client once, in `ready`.
      resume = newSecret();
      const id = peer.assignedSession ?? newId('s');
      // Not in the database until its first message (pending.ts): a hello alone writes nothing there.
      conversation = { id, siteId: peer.siteId, locale: frame.locale ?? null, resumeHash: await hashSecret(resume) };
      await this.pending.put(conversation);
      this.remember(this.pendingHere, id, conversation);
    }
    const shown = await intro;
    const told = { ...(eraseOnReset ? { eraseOnReset } : {}), ...(shown ? { intro: shown } : {}) };
    const session = conversation.id;
    if (peer.session && peer.attached) this.log.detach(peer.session, peer.attached);
    peer.session = session;
    peer.locale = frame.locale ?? conversation.locale ?? undefined;

    // Listening before the replay is read, and held until it is sent: nothing falls between.
    const gate = holdFrames(peer.conn);
    peer.attached = gate.conn;
    await this.log.attach(session, gate.conn);
    const after = resuming ? frame.after : undefined;
    // A conversation this hello made has no events or rows yet: nothing to read for it.
    const now = resuming ? await this.log.load(session, after ?? 0) : 0;
    peer.fresh = resuming ? undefined : session;
    const replay = after !== undefined ? await this.log.replay(session, after) : null;
    if (replay) {
      peer.conn.send({ type: 'ready', session, seq: after!, history: [], resumed: true, ...told });
      for (const event of replay) peer.conn.send(event);
      gate.release(replay.at(-1)?.seq ?? after!);
    } else {
      const history = resuming ? await loadHistory(this.deps.db, session, site?.name || undefined) : [];
      // Events after ready.seq follow; an answer still streaming is not in the history yet,
      // so its remaining deltas arrive without their start (clients show them as they come).
      peer.conn.send({ type: 'ready', session, seq: now, history, ...(resume ? { resume } : {}), ...told });
      gate.release(now);
    }
    if (resuming) void this.answering.adoptOrphans(peer.siteId, session, { locale: peer.locale, address: peer.address });
  }

  async message(peer: Peer, session: string, frame: MessageFrame): Promise<void> {
    const { db } = this.deps;
    try {
      await this.answering.take(peer.siteId, session, frame.id, { locale: peer.locale, address: peer.address }, async () => {
        // The first message on the socket that made the conversation cannot be a resend.
        const fresh = peer.fresh === session;
        peer.fresh = undefined;
        const stored = fresh ? null : await db.messages.findByClientId(session, frame.id);
        if (stored) return { fresh: false, text: stored.text };
        // Only a message not seen before counts: a resend after a reconnect never does.
        await countMessage(this.deps, peer, session);
        await this.store(peer.siteId, session);
        await db.messages.add({
          id: this.deps.newId('m'),
          conversationId: session,
          role: 'user',
          clientId: frame.id,
          replyTo: null,
          text: frame.text,
          intent: null,
          citations: [],
          confidence: null,
        });
        this.deps.metrics?.inc('support_chat_messages_total', { site: peer.siteId });
        return { fresh: true, text: frame.text };
      });
    } catch (err) {
      if (err instanceof RateLimited) return peer.conn.send(error('rate_limited', err.message, frame.id, err.retryAfter));
      this.deps.log.error('message not taken', { session, error: String(err) });
      // With its id, so the widget sends it again shortly instead of giving up on it.
      peer.conn.send(error('unavailable', 'the message could not be saved just now; it will be sent again', frame.id));
    }
  }

  async feedback(peer: Peer, session: string, frame: FeedbackFrame): Promise<void> {
    const answer = await this.deps.db.messages.findByClientId(session, frame.answer);
    if (!answer || answer.role !== 'assistant') {
      return peer.conn.send(error('invalid_message', `feedback: no answer "${frame.answer.slice(0, 64)}" in this conversation`));
    }
    await this.deps.db.feedback.add({ conversationId: session, answerId: frame.answer, rating: frame.rating, comment: frame.comment ?? null });
    this.deps.metrics?.inc('support_chat_feedback_total', { site: peer.siteId, rating: frame.rating });
    if (frame.rating === 'down') {
      const question = answer.replyTo ? (await this.deps.db.messages.findByClientId(session, answer.replyTo))?.text ?? null : null;
      tell(this.deps, peer.siteId, { type: 'answer.low_rating', conversation: session, answerId: frame.answer, text: answer.text, question, comment: frame.comment ?? null });
    }
  }

  async handoff(siteId: string, session: string, frame: HandoffFrame): Promise<void> {
    this.log.hold(session);
    this.answering.queue(session, undefined, async () => {
      await this.store(siteId, session);
      await openTicket(this.deps, this.log, { siteId, session, reason: frame.reason ?? 'asked for a person' });
      await this.log.checkpoint(session);
    });
  }

  get isDraining(): boolean {
    return this.answering.isDraining;
  }

  /** Settles when every turn queued so far for the session has finished. */
  idle(session: string): Promise<void> {
    return this.answering.idle(session);
  }

  /**
   * For a graceful stop: takes no more messages, lets the answers in flight finish for up to
   * `graceMs`, then cuts the rest short (each still ends, stored, with a notice).
   */
  drain(graceMs: number): Promise<void> {
    return this.answering.drain(graceMs);
  }

  /** The conversation as stored, or as said hello to and not yet written (pending). */
  private async find(id: string): Promise<PendingConversation | null> {
    const row = await this.deps.db.conversations.get(id);
    if (row) {
      this.remember(this.stored, id);
      return row;
    }
    return this.pendingHere.get(id) ?? (await this.pending.get(id));
  }

  /** Writes a pending conversation's row before the first thing that needs it (idempotent). */
  private async store(siteId: string, id: string): Promise<void> {
    if (this.stored.has(id)) return;
    const pending = this.pendingHere.get(id) ?? (await this.pending.get(id));
    // Without its record (expired, or evicted from memory) the row is still made, so nothing
    // the visitor writes is lost; only resuming it from another page is not possible then.
    await this.deps.db.conversations.create(pending ?? { id, siteId, locale: null, resumeHash: null });
    this.pendingHere.delete(id);
    this.remember(this.stored, id);
  }

  private remember<V>(into: Set<string> | Map<string, V>, id: string, value?: V): void {
    if (into.size >= REMEMBERED) into.delete(into.keys().next().value!);
    if (into instanceof Set) into.add(id);
    else into.set(id, value!);
  }

  detach(peer: Peer): void {
    if (peer.session && peer.attached) this.log.detach(peer.session, peer.attached);
    peer.attached = undefined;
  }

}


export type { Connection, Peer };

export { error };
