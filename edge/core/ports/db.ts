/** The relational store's port: the database the core reads and writes, by repository. */
import type { InsightsRepo } from './insights';
import type { AdminScope, AdminTokenRow, AgentRow, IntentModelRow, RotateOptions, RotateSummary, SealedColumnStatus, SiteRows, WebhookAttempt, WebhookDeliveryRow } from './admin';
import type { OrderRow, ProductRow } from './commerce';
import type { ChunkRow, DocumentListItem, DocumentRow, IngestedFileRow, Site, TextHit } from './content';
import type { ConversationFilter, ConversationRow, ConversationSummary, MessageRow, QueuedTicket, SiteStats, TicketRow } from './conversations';
import type { DocKind } from './vectors';

/** The relational store: one implementation over drizzle serves PGlite, node-postgres and Neon. */
export interface Db {
  ping(): Promise<void>;
  /** Backups: every row a site owns, and those rows written back (into a database without the site), in one transaction. */
  backup: {
    dump(siteId: string): Promise<SiteRows>;
    restore(rows: SiteRows): Promise<Record<string, number>>;
  };
  /** The admin page's figures: activity per day, unanswered questions. */
  insights: InsightsRepo;
  sites: {
    list(): Promise<Site[]>;
    get(id: string): Promise<Site | null>;
    /** Creates or renames the site and sets its origins; keys and settings only when given. */
    upsert(site: Site): Promise<void>;
    /** Changes what is given; false when there is no such site. */
    update(id: string, patch: Partial<Omit<Site, 'id'>>): Promise<boolean>;
    /**
     * The site's row and every row of its own in one transaction: documents (their chunks with
     * them), ingested files, products, orders, conversations (messages, tickets, feedback), agents. The audit
     * trail stays. False when there was no such site.
     */
    delete(id: string): Promise<boolean>;
    /** The secret the site's webhook deliveries are signed with; null when none. Never part of `Site`, so reads never show it. */
    webhookSecret(id: string): Promise<string | null>;
    /** Sets it (null removes it); with `ifUnset`, only when the site has none. False when nothing changed. */
    setWebhookSecret(id: string, secret: string | null, opts?: { ifUnset?: boolean }): Promise<boolean>;
  };
  /** Webhook notifications (edge/notify) and how their delivery went. */
  webhooks: {
    record(row: { id: string; siteId: string; event: string; url: string; payload: Record<string, unknown>; nextAttemptAt: Date }): Promise<void>;
    get(id: string): Promise<WebhookDeliveryRow | null>;
    markDelivered(id: string, r: WebhookAttempt & { at: Date }): Promise<void>;
    /** Still pending: tried again at `nextAttemptAt`. */
    markRetry(id: string, r: WebhookAttempt & { nextAttemptAt: Date }): Promise<void>;
    /** Given up: the receiver refused it, or every attempt failed. */
    markFailed(id: string, r: WebhookAttempt): Promise<void>;
    /**
     * Claims up to `limit` pending deliveries due at `now`, oldest due first: each is held until
     * `leaseUntil` (its next attempt time moves there), so two processes never send one twice.
     */
    due(now: Date, limit: number, leaseUntil: Date): Promise<WebhookDeliveryRow[]>;
    /** A site's deliveries, newest first; `limit` rows after `after` (creation time ISO, id). */
    list(siteId: string, limit: number, after?: { key: string | number; id: string } | null): Promise<WebhookDeliveryRow[]>;
    /** Deletes the deliveries about a conversation (erasure): their payloads quote the visitor. */
    forgetConversation(conversationId: string): Promise<number>;
    /** Retention: deletes a site's settled deliveries (delivered or failed) made before `before`; pending ones stay. */
    prune(siteId: string, before: Date): Promise<number>;
  };
  conversations: {
    get(id: string): Promise<ConversationRow | null>;
    create(row: { id: string; siteId: string; locale?: string | null; resumeHash?: string | null }): Promise<ConversationRow>;
    setLastSeq(id: string, seq: number): Promise<void>;
    /** Deletes the conversation with its messages, tickets and feedback (erasure). */
    delete(id: string): Promise<void>;
    /** Conversations with no activity since `before`, oldest first (retention); one site's when given. */
    idleSince(before: Date, limit: number, siteId?: string): Promise<{ id: string; siteId: string }[]>;
    /** Newest first, with counts and the first question; `limit` rows after `after`. */
    list(filter: ConversationFilter): Promise<ConversationSummary[]>;
  };
  messages: {
    /** `lastSeq`: the conversation's seq checkpoint (`conversations.setLastSeq`) raised with the message, in the same statement. */
    add(row: Omit<MessageRow, 'createdAt'> & { createdAt?: Date }, opts?: { lastSeq?: number }): Promise<void>;
    list(conversationId: string): Promise<MessageRow[]>;
    /** The conversation's last `limit` messages, oldest first: what a turn reads, whatever the conversation's length. */
    recent(conversationId: string, limit: number): Promise<MessageRow[]>;
    findByClientId(conversationId: string, clientId: string): Promise<MessageRow | null>;
    /** Tokens (LLM and embedding) and cost of a site's answers since `since`: what its daily budget counts. */
    spendSince(siteId: string, since: Date): Promise<{ tokens: number; costUsd: number }>;
    /** Answers, tokens, cost, confidence, hand-offs and feedback per site (one site when given). */
    stats(siteId?: string): Promise<SiteStats[]>;
  };
  tickets: {
    /** Numbers it (per site) as it opens it; the ticket already live when there is one. */
    open(row: { id: string; siteId: string; conversationId: string; reason: string | null; priority?: 'normal' | 'high' }): Promise<TicketRow>;
    get(id: string): Promise<TicketRow | null>;
    openFor(conversationId: string): Promise<TicketRow | null>;
    /** Every ticket of a conversation, oldest first (they belong in its history). */
    ofConversation(conversationId: string): Promise<TicketRow[]>;
    /**
     * The queue: live tickets (status open or pending) or closed ones, high priority first,
     * then oldest first (closed: newest first); one site's or every site's.
     */
    list(q: {
      siteId?: string;
      state: 'live' | 'closed';
      limit: number;
      after?: { key: string | number; id: string } | null;
    }): Promise<QueuedTicket[]>;
    /**
     * Gives a live ticket to the agent (or back to the queue with null). Unless `force`, only
     * when nobody else holds it. Returns the ticket as it is after, and whether it changed.
     */
    assign(id: string, agentId: string | null, opts?: { force?: boolean }): Promise<{ ticket: TicketRow | null; changed: boolean }>;
    /** Closes a live ticket; null when it was not live (already closed, or none). */
    close(id: string, at: Date): Promise<TicketRow | null>;
    setContact(id: string, email: string): Promise<void>;
    /** Marks it updated (a visitor's reply), so the queue shows activity. */
    touch(id: string): Promise<void>;
  };
  feedback: {
    add(row: { conversationId: string; answerId: string; rating: 'up' | 'down'; comment: string | null }): Promise<void>;
    ofConversation(conversationId: string): Promise<{ answerId: string; rating: 'up' | 'down'; comment: string | null; createdAt: Date }[]>;
  };
  /** Sites' own intent models; a site without one is served by the built-in intents. */
  intents: {
    get(siteId: string): Promise<IntentModelRow | null>;
    /** Only the version: what a process compares with the copy it holds. */
    version(siteId: string): Promise<string | null>;
    /** Replaces the site's model (one per site). */
    save(row: Omit<IntentModelRow, 'trainedAt'> & { trainedAt?: Date }): Promise<void>;
    /** Back to the built-in intents; false when the site had no model. */
    delete(siteId: string): Promise<boolean>;
  };
  /** The admin API's tokens (ADMIN_TOKEN aside, the bootstrap one): hashed, with scopes. */
  adminTokens: {
    create(row: { id: string; hash: string; name: string; scopes: AdminScope[] }): Promise<void>;
    /** The live (not revoked) token with this hash. */
    byHash(hash: string): Promise<AdminTokenRow | null>;
    list(): Promise<(AdminTokenRow & { revokedAt: Date | null })[]>;
    /** False when there is no such live token. */
    revoke(id: string): Promise<boolean>;
  };
  agents: {
    create(row: { id: string; siteId: string; email: string; name: string; passwordHash: string }): Promise<void>;
    /** With its password hash, for signing in; null when unknown. */
    byEmail(email: string): Promise<(AgentRow & { passwordHash: string }) | null>;
    get(id: string): Promise<AgentRow | null>;
    /** Disables the agent and ends their sessions; false when there is no such agent. */
    disable(id: string): Promise<boolean>;
    startSession(row: { hash: string; agentId: string; expiresAt: Date }): Promise<void>;
    /** The live session's agent (not expired, agent not disabled). */
    bySession(hash: string, now: Date): Promise<AgentRow | null>;
    endSession(hash: string): Promise<void>;
    /** Notes that the agent is active now (sign-in, the inbox open). */
    seen(id: string, at: Date): Promise<void>;
    /** Whether any enabled agent of the site was active since `since`. */
    anySeenSince(siteId: string, since: Date): Promise<boolean>;
  };
  audit: {
    add(row: { siteId: string | null; actor: string; action: string; detail?: Record<string, unknown> }): Promise<void>;
    /** Entries naming the conversation name its digest instead: the trail stays, the visitor goes. */
    pseudonymize(conversationId: string, digest: string): Promise<void>;
  };
  documents: {
    list(siteId: string): Promise<DocumentRow[]>;
    get(siteId: string, source: string): Promise<DocumentRow | null>;
    /** Replaces the document's chunks in one transaction; returns the new chunk ids. */
    replace(doc: DocumentRow, chunks: Omit<ChunkRow, 'id' | 'documentId' | 'siteId'>[]): Promise<ChunkRow[]>;
    /**
     * `replace` for several documents in one transaction, with multi-row writes: all or nothing.
     * Returns, in the order given, each document's id (the stored one when its source was there)
     * and new chunks: what `replace` would, called for each in turn.
     */
    replaceMany(
      entries: { doc: DocumentRow; chunks: Omit<ChunkRow, 'id' | 'documentId' | 'siteId'>[] }[],
    ): Promise<{ documentId: string; chunks: ChunkRow[] }[]>;
    delete(ids: string[]): Promise<void>;
    count(siteId?: string): Promise<number>;
    /** A page of the site's documents by source (then id), `limit` rows after `after`. */
    page(siteId: string, limit: number, after?: { key: string | number; id: string } | null): Promise<DocumentListItem[]>;
    byId(siteId: string, id: string): Promise<DocumentRow | null>;
    /**
     * The site's documents of this kind by how many answers cited them, most first, then in the
     * order they were added; `limit` of them, each with its count (0 when never cited).
     */
    mostCited(siteId: string, kind: DocKind, limit: number): Promise<{ title: string; cited: number }[]>;
  };
  /** What each file an ingest read held (see IngestedFileRow), per site. */
  ingestedFiles: {
    list(siteId: string): Promise<IngestedFileRow[]>;
    /** Inserts or replaces them, by (site, source). */
    save(siteId: string, rows: IngestedFileRow[]): Promise<void>;
    delete(siteId: string, sources: string[]): Promise<void>;
  };
  chunks: {
    get(ids: string[]): Promise<ChunkRow[]>;
    /** A document's chunks in order. */
    ofDocument(documentId: string): Promise<ChunkRow[]>;
    textSearch(siteId: string, query: string, k: number): Promise<TextHit[]>;
    /** Builds what the site's searches read in memory, if anything (seconds at 100k chunks), now rather than on its first question. */
    warm?(siteId: string): Promise<void>;
    /** The text with words the site never uses corrected to the nearest word it does use. */
    spell(siteId: string, text: string): Promise<string>;
    count(siteId?: string): Promise<number>;
  };
  products: {
    upsert(rows: ProductRow[]): Promise<void>;
    /** Removes products gone from the catalogue, so their stock and price are never quoted again. */
    delete(siteId: string, skus: string[]): Promise<void>;
    get(siteId: string, sku: string): Promise<ProductRow | null>;
    search(siteId: string, query: string, limit: number): Promise<ProductRow[]>;
  };
  orders: {
    upsert(rows: OrderRow[]): Promise<void>;
    /** Both must match: an order number alone must not reveal someone's order. */
    find(siteId: string, number: string, email: string): Promise<OrderRow | null>;
  };
  /**
   * Visitor data sealed at rest (DATA_ENCRYPTION_KEY): counts per key, and the re-sealing under
   * the current key of what older keys sealed (rotation). Absent from stores that seal nothing.
   */
  encryption?: {
    status(): Promise<SealedColumnStatus[]>;
    rotate(opts?: RotateOptions): Promise<RotateSummary>;
  };
  close(): Promise<void>;
}
