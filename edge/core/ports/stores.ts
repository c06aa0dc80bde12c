/** Where the product keeps things: vectors, the relational database, sessions and cache. */
import type { SiteSettings } from '../sites/settings';
import type { Citation, IntentName, TicketStatus } from '@support-chat/protocol';
import type { InsightsRepo } from './insights';

export type DocKind = 'faq' | 'doc' | 'product';

export interface VectorItem {
  chunkId: string;
  siteId: string;
  documentId: string;
  kind: DocKind;
  vector: Float32Array;
}
export interface VectorHit {
  chunkId: string;
  /** Cosine similarity in -1..1. */
  score: number;
}
export interface IndexInfo {
  model: string;
  dimensions: number;
}
export interface VectorStore {
  readonly name: string;
  /**
   * Why vector search is off (the index could not be prepared at start), when it is: retrieval
   * then answers from full text alone without embedding the question. Stated here rather than
   * by the store's class, since each runtime wraps its stores in its own way.
   */
  readonly unavailable?: Error;
  /** Loads what the site's searches read in memory, if anything, now rather than on its first question. */
  warm?(siteId: string): Promise<void>;
  /** Prepares the index for this model; throws `IndexMismatchError` if another model built it. */
  ensure(info: IndexInfo): Promise<void>;
  info(): Promise<IndexInfo | null>;
  upsert(items: VectorItem[]): Promise<void>;
  /**
   * Runs `load`, which upserts about `expected` vectors, as one bulk load: the store may prepare
   * for it and finish once at the end (pgvector builds its HNSW graph once after a load that is
   * large next to the index, instead of vector by vector). What `load` stored stays when it
   * throws, and the index is whole again when this returns or throws.
   */
  bulkLoad<T>(expected: number, load: () => Promise<T>): Promise<T>;
  deleteByDocuments(documentIds: string[]): Promise<void>;
  search(siteId: string, vector: Float32Array, k: number): Promise<VectorHit[]>;
}

export class IndexMismatchError extends Error {
  constructor(readonly built: IndexInfo, readonly asked: IndexInfo) {
    super(
      `the vector index was built with ${built.model} (${built.dimensions} dimensions) but this server embeds with ` +
        `${asked.model} (${asked.dimensions}); re-embed with \`npm run ingest -- --reembed\` or set EMBEDDING_MODEL=${built.model}`,
    );
    this.name = 'IndexMismatchError';
  }
}

export interface Site {
  id: string;
  name: string;
  allowedOrigins: string[];
  /** Named in the page (`data-key`); null until made with `npm run site`. */
  publicKey?: string | null;
  /** For clients without an Origin and the tokens a site's backend mints; never sent out. */
  secretKey?: string | null;
  settings?: SiteSettings;
}

export interface DocumentRow {
  id: string;
  siteId: string;
  /** Where the document came from (a path or URL); unique per site. */
  source: string;
  kind: DocKind;
  title: string;
  url: string | null;
  hash: string;
}
/**
 * A file an ingest read, remembered so that the next ingest can skip it when nothing of it
 * changed: `hash` of its bytes and of whatever else shapes its documents; `stat`, its size,
 * times and inode when read (null when it had just changed, too recent to trust), so an
 * unchanged file need not even be read; `documents`, a digest of the documents (source and
 * content hash) it gave, as stored.
 */
export interface IngestedFileRow {
  source: string;
  hash: string;
  stat: string | null;
  documents: string;
}
/** A document as the admin API lists it: with its chunk count and when it last changed. */
export interface DocumentListItem extends DocumentRow {
  chunks: number;
  updatedAt: Date;
}
export interface ChunkRow {
  id: string;
  documentId: string;
  siteId: string;
  kind: DocKind;
  ord: number;
  title: string;
  url: string | null;
  content: string;
  tokens: number;
}
export interface TextHit {
  chunkId: string;
  /** ts_rank; only the order matters for fusion. */
  score: number;
}

export interface ConversationRow {
  id: string;
  siteId: string;
  lastSeq: number;
  locale: string | null;
  /** SHA-256 (hex) of the conversation's resume secret. */
  resumeHash: string | null;
  createdAt: Date;
}
/** Which conversations the admin API lists (all given conditions hold), newest first. */
export interface ConversationFilter {
  siteId?: string;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
  /** Some message of it was classified so. */
  intent?: IntentName;
  /** It has (true) or has not (false) a ticket. */
  handoff?: boolean;
  /** Some answer of it was rated so. */
  feedback?: 'up' | 'down';
  limit: number;
  /** The last row of the previous page: its creation time (ISO, ms) and id. */
  after?: { key: string | number; id: string } | null;
}
/** A conversation as the admin API lists it. */
export interface ConversationSummary {
  id: string;
  siteId: string;
  createdAt: Date;
  updatedAt: Date;
  messages: number;
  /** The visitor's first message, opened; null when none (or sealed under a key no longer held). */
  firstQuestion: string | null;
  intents: IntentName[];
  hasTicket: boolean;
  feedback: { up: number; down: number };
}
export interface MessageRow {
  id: string;
  conversationId: string;
  role: 'user' | 'assistant' | 'agent';
  /** The client's id for user messages; the answer id for assistant ones. */
  clientId: string;
  replyTo: string | null;
  text: string;
  intent: IntentName | null;
  citations: Citation[];
  confidence: number | null;
  /** For an agent's message: who wrote it, and their name as the visitor saw it. */
  agentId?: string | null;
  agentName?: string | null;
  /** What an assistant answer consumed; null when nothing metered ran (a cached or direct reply). */
  usage?: MessageUsage | null;
  createdAt: Date;
}
export interface MessageUsage {
  /** The chat model that answered, as the provider named it. */
  model: string | null;
  promptTokens: number;
  completionTokens: number;
  embeddingTokens: number;
  /** USD from the price table; null when a model's price is unknown. */
  costUsd: number | null;
}
/** One site's answering, for the admin stats. */
export interface SiteStats {
  siteId: string;
  answers: number;
  promptTokens: number;
  completionTokens: number;
  embeddingTokens: number;
  /** Sum of the known costs; null when no answer had one. */
  costUsd: number | null;
  avgConfidence: number | null;
  handoffs: number;
  feedbackUp: number;
  feedbackDown: number;
}
export interface TicketRow {
  id: string;
  siteId: string;
  conversationId: string;
  /** Per site, from #1001 (ticket_numbers). */
  number: number;
  status: TicketStatus;
  priority: 'normal' | 'high';
  reason: string | null;
  assignee: { id: string; name: string } | null;
  /** Where a reply goes when nobody was online (personal data, sealed at rest). */
  contactEmail: string | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A ticket as the queue lists it: with the visitor's first question and the assistant's last answer. */
export interface QueuedTicket extends TicketRow {
  firstQuestion: string | null;
  lastAnswer: string | null;
}
export interface ProductRow {
  siteId: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
  url: string | null;
}
export interface OrderRow {
  siteId: string;
  number: string;
  email: string;
  status: string;
  items: { sku: string; name: string; qty: number }[];
  totalCents: number;
  currency: string;
  carrier: string | null;
  tracking: string | null;
  updatedAt: Date;
}

/** One sealed column (core/crypto): its values by the key id they are sealed under, and plain ones. */
export interface SealedColumnStatus {
  column: string;
  sealed: Record<string, number>;
  plain: number;
}
export interface RotateOptions {
  /** Rows read and re-sealed at a time (default 100): short statements beside live traffic. */
  batch?: number;
  /** Also seal values stored in the clear (written before a key was set). */
  plain?: boolean;
  signal?: AbortSignal;
  onProgress?(p: { column: string; resealed: number; failed: number }): void;
}
export interface RotateSummary {
  /** The key everything was re-sealed under; null when no key is set (nothing done). */
  kid: string | null;
  resealed: number;
  /** Values that would not open (an unknown key, tampering): left as they were. */
  failed: number;
  /** The first few reasons, naming the key id. */
  errors: string[];
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';
/** One webhook notification and how its delivery went. */
export interface WebhookDeliveryRow {
  id: string;
  siteId: string;
  /** The event's type (`ticket.opened`, …). */
  event: string;
  /** Where it was last sent (the site's URL then). */
  url: string;
  /** The JSON body, opened (it may be sealed at rest). */
  payload: Record<string, unknown>;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** The last attempt's HTTP status; null when it got none (refused, timed out) or none was made. */
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
}
/** What one attempt came to. */
export interface WebhookAttempt {
  /** Attempts made so far, this one included. */
  attempts: number;
  status: number | null;
  error: string | null;
  /** The URL this attempt went to. */
  url: string;
}

/** What an admin token may do: read (stats, exports), write (changes, erasure), agent (the inbox). */
export type AdminScope = 'read' | 'write' | 'agent';
export const ADMIN_SCOPES: readonly AdminScope[] = ['read', 'write', 'agent'];

export interface AdminTokenRow {
  id: string;
  name: string;
  scopes: AdminScope[];
  createdAt: Date;
}

export interface AgentRow {
  id: string;
  siteId: string;
  email: string;
  name: string;
  disabledAt: Date | null;
}

/** The relational store: one implementation over drizzle serves PGlite, node-postgres and Neon. */
/** A site's trained intent model as stored: the trainer's JSON, its report and the rows it learnt from. */
export interface IntentModelRow {
  siteId: string;
  /** New with each training. */
  version: string;
  model: unknown;
  report: Record<string, unknown>;
  examples: { text: string; label: string }[];
  trainedAt: Date;
}

/** A site's rows by table, JSON-safe, as `npm run backup` writes them. */
export type SiteRows = Record<string, Record<string, unknown>[]>;

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
    add(row: Omit<MessageRow, 'createdAt'> & { createdAt?: Date }): Promise<void>;
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
