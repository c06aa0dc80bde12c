/**
 * The relational schema, written once in drizzle's pg-core so the same tables serve PGlite,
 * node-postgres and Neon. Vectors are deliberately absent: they belong to the VectorStore, so
 * this schema also runs on a plain Postgres without pgvector (and Qdrant can hold vectors).
 *
 * Change it, then `npx drizzle-kit generate` to write the next migration.
 */
import { sql, type SQL } from 'drizzle-orm';
import {
  bigserial,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { Citation, IntentName, TicketStatus } from '@support-chat/protocol';
import type { DocKind } from '../../core/ports';

const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  allowedOrigins: jsonb('allowed_origins').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  /** Given in the page (`data-key`): names the site like its id, but can be replaced. */
  publicKey: text('public_key').unique(),
  /**
   * For clients without an Origin, and what tokens the site's backend mints are signed with;
   * kept as given (an HMAC needs the key itself), shown once when made.
   */
  secretKey: text('secret_key'),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  /** Signs the site's webhook deliveries (HMAC-SHA256); kept as given, like the secret key. */
  webhookSecret: text('webhook_secret'),
  createdAt: createdAt(),
});

export const conversations = pgTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    lastSeq: integer('last_seq').notNull().default(0),
    locale: text('locale'),
    /** SHA-256 of the secret the widget resumes with; the id alone (in URLs and logs) resumes nothing. */
    resumeHash: text('resume_hash'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('conversations_site_idx').on(t.siteId, t.createdAt)],
);

export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['user', 'assistant', 'agent'] }).notNull(),
    clientId: text('client_id').notNull(),
    replyTo: text('reply_to'),
    text: text('text').notNull(),
    intent: text('intent').$type<IntentName>(),
    citations: jsonb('citations').$type<Citation[]>().notNull().default(sql`'[]'::jsonb`),
    confidence: real('confidence'),
    /** For an agent's message: who wrote it, and their name as the visitor saw it then. */
    agentId: text('agent_id'),
    agentName: text('agent_name'),
    // What an assistant answer consumed (null for other messages and unmetered answers).
    llmModel: text('llm_model'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    embeddingTokens: integer('embedding_tokens'),
    costUsd: doublePrecision('cost_usd'),
    createdAt: createdAt(),
    // Insertion order: the tiebreak when two messages carry the same timestamp.
    n: bigserial('n', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('messages_client_uq').on(t.conversationId, t.role, t.clientId),
    index('messages_conversation_idx').on(t.conversationId, t.createdAt),
  ],
);

export const tickets = pgTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['open', 'pending', 'solved', 'closed'] })
      .$type<TicketStatus>()
      .notNull()
      .default('open'),
    reason: text('reason'),
    /** What people call it (#1042): numbered per site, from ticket_numbers. */
    number: integer('number'),
    priority: text('priority', { enum: ['normal', 'high'] }).notNull().default('normal'),
    /** The agent who holds it; null while it waits in the queue. */
    assignedAgentId: text('assigned_agent_id').references(() => agents.id, { onDelete: 'set null' }),
    /** Where the reply goes when no agent was online (sealed like other visitor data). */
    contactEmail: text('contact_email'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // At most one live ticket per conversation, even when two handoff requests race.
    uniqueIndex('tickets_live_uq')
      .on(t.conversationId)
      .where(sql`${t.status} in ('open', 'pending')`),
    index('tickets_site_idx').on(t.siteId, t.status),
    uniqueIndex('tickets_number_uq').on(t.siteId, t.number),
  ],
);

/** The last ticket number given per site: an atomic counter, so two handoffs never share one. */
export const ticketNumbers = pgTable('ticket_numbers', {
  siteId: text('site_id')
    .primaryKey()
    .references(() => sites.id, { onDelete: 'cascade' }),
  last: integer('last').notNull(),
});

/** Each webhook notification and how its delivery went: retried with backoff until it lands or gives up. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    url: text('url').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** The last attempt's HTTP status, or null when it never got one (refused, timed out). */
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('webhook_deliveries_site_idx').on(t.siteId, t.createdAt),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    // Erasure finds a conversation's deliveries by the id their payload names (repos/webhooks.ts).
    index('webhook_deliveries_conversation_idx').on(sql`coalesce(${t.payload}->>'conversation', ${t.payload}->'event'->>'conversation')`),
  ],
);

export const feedback = pgTable(
  'feedback',
  {
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    answerId: text('answer_id').notNull(),
    rating: text('rating', { enum: ['up', 'down'] }).notNull(),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.answerId] })],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    // No foreign key: the audit trail outlives what it describes.
    siteId: text('site_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_site_idx').on(t.siteId, t.at)],
);

export const documents = pgTable(
  'documents',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull(),
    source: text('source').notNull(),
    kind: text('kind', { enum: ['faq', 'doc', 'product'] }).$type<DocKind>().notNull(),
    title: text('title').notNull(),
    url: text('url'),
    hash: text('hash').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('documents_source_uq').on(t.siteId, t.source)],
);

export const chunks = pgTable(
  'chunks',
  {
    id: text('id').primaryKey(),
    documentId: text('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    siteId: text('site_id').notNull(),
    kind: text('kind', { enum: ['faq', 'doc', 'product'] }).$type<DocKind>().notNull(),
    ord: integer('ord').notNull(),
    title: text('title').notNull(),
    url: text('url'),
    content: text('content').notNull(),
    tokens: integer('tokens').notNull(),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs((): SQL => sql`to_tsvector('english', ${chunks.title} || ' ' || ${chunks.content})`),
  },
  (t) => [
    index('chunks_search_idx').using('gin', t.search),
    index('chunks_site_idx').on(t.siteId),
    index('chunks_document_idx').on(t.documentId, t.ord),
  ],
);

/**
 * What each file an ingest read held, so an unchanged file is skipped without being parsed
 * again (edge/ingest/run.ts): the hash of its bytes with everything that shapes its documents
 * (parsers, chunker and embedding settings), the file's size, times and inode when it was read
 * (so it need not even be read again), and a digest of the documents it gave as they were
 * stored. A memo only: when the site's stored documents no longer match that digest (edited
 * by an upload, deleted, not stored), the file is read as if it were new.
 */
export const ingestedFiles = pgTable(
  'ingested_files',
  {
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    source: text('source').notNull(),
    hash: text('hash').notNull(),
    stat: text('stat'),
    documents: text('documents').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.source] })],
);

export const products = pgTable(
  'products',
  {
    siteId: text('site_id').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    priceCents: integer('price_cents').notNull(),
    currency: text('currency').notNull(),
    stock: integer('stock').notNull().default(0),
    url: text('url'),
    updatedAt: updatedAt(),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs((): SQL => sql`to_tsvector('english', ${products.name} || ' ' || ${products.description})`),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.sku] }), index('products_search_idx').using('gin', t.search)],
);

export type OrderItem = { sku: string; name: string; qty: number };

export const orders = pgTable(
  'orders',
  {
    siteId: text('site_id').notNull(),
    number: text('number').notNull(),
    /** Stored trimmed and lowercased, so lookups compare like with like. */
    email: text('email').notNull(),
    status: text('status').notNull(),
    items: jsonb('items').$type<OrderItem[]>().notNull().default(sql`'[]'::jsonb`),
    totalCents: integer('total_cents').notNull(),
    currency: text('currency').notNull(),
    carrier: text('carrier'),
    tracking: text('tracking'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.number] }),
    // Customers type order numbers in any case: look them up case-insensitively.
    index('orders_number_ci_idx').on(t.siteId, sql`lower(${t.number})`),
  ],
);

export const adminTokens = pgTable('admin_tokens', {
  id: text('id').primaryKey(),
  /** SHA-256 of the whole token: the token itself is shown once, when made. */
  hash: text('hash').notNull().unique(),
  name: text('name').notNull(),
  scopes: jsonb('scopes').$type<string[]>().notNull(),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** People who answer tickets, each for one site; they sign in with email and password. */
export const agents = pgTable('agents', {
  id: text('id').primaryKey(),
  siteId: text('site_id')
    .notNull()
    .references(() => sites.id, { onDelete: 'cascade' }),
  /** Stored trimmed and lowercased: one account per address. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  /** bcrypt. */
  passwordHash: text('password_hash').notNull(),
  /** Last sign-in or inbox activity: whether anyone is online to take a ticket. */
  lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  createdAt: createdAt(),
});

export const agentSessions = pgTable(
  'agent_sessions',
  {
    /** SHA-256 of the cookie's value: a read of the table signs nobody in. */
    hash: text('hash').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('agent_sessions_agent_idx').on(t.agentId)],
);

/**
 * A site's own intent model (`npm run intents -- train`, the admin API), trained from its
 * labelled rows. Every process loads it and checks `version` every few seconds, so a new
 * training replaces it everywhere without a restart.
 */
export const intentModels = pgTable('intent_models', {
  siteId: text('site_id')
    .primaryKey()
    .references(() => sites.id, { onDelete: 'cascade' }),
  version: text('version').notNull(),
  /** The trained classifier, as the trainer serialises it. */
  model: jsonb('model').$type<unknown>().notNull(),
  /** How it did on its held-out tenth: accuracy, macro-F1, per intent, out of scope. */
  report: jsonb('report').$type<Record<string, unknown>>().notNull(),
  /** The rows it learnt from, kept to train again when rows are added and to evaluate. */
  examples: jsonb('examples').$type<{ text: string; label: string }[]>().notNull(),
  trainedAt: timestamp('trained_at', { withTimezone: true }).notNull().defaultNow(),
});
