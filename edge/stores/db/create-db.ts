/**
 * The `Db` port over any drizzle Postgres database. Only the query builder is used (never
 * driver-specific result shapes), so PGlite, node-postgres and Neon all serve it unchanged.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../core/ports';
import { recentSite } from '../../core/sites/recent';
import { adminTokensRepo } from './repos/admin-tokens';
import { agentsRepo } from './repos/agents';
import { auditRepo } from './repos/audit';
import { backupRepo } from './repos/backup';
import { ordersRepo, productsRepo } from './repos/commerce';
import { chunksRepo, documentsRepo, ingestedFilesRepo, knownChunks } from './repos/content';
import { ConversationMemory } from './repos/conversation-memory';
import { conversationsRepo } from './repos/conversations';
import { messagesRepo } from './repos/messages';
import type { Orm } from './repos/orm';
import { sitesRepo } from './repos/sites';
import { sealedColumns } from './rotate';
import { PLAIN, type Sealing } from './sealing';
import { textSearcher } from './repos/text-search';
import { feedbackRepo, ticketsRepo } from './repos/tickets';
import { insightsRepo } from './repos/insights';
import { intentsRepo } from './repos/intents';
import { webhooksRepo } from './repos/webhooks';

export type { Orm } from './repos/orm';

export type { Sealing } from './sealing';

export interface CreateDbOptions {
  /**
   * The database is this process's own (PGlite): every write to it is this process's, so full
   * text may be indexed in memory and what only changes here may be remembered.
   */
  own?: boolean;
  /** How visitor data is sealed at rest (DATA_ENCRYPTION_KEY); unset, it is stored in the clear. */
  sealing?: Sealing;
  /**
   * Hears of every write to a site's chunks (none named: any site's), for what keeps them in
   * memory beside this Db: the embedded vector store's kept vectors.
   */
  chunksChanged?: (siteId?: string) => void;
}

export function createDb(db: Orm, close: () => Promise<void>, opts: CreateDbOptions = {}): Db {
  const text = textSearcher(db, { inMemory: opts.own });
  const known = knownChunks();
  // What is kept of a site's chunks in memory goes with every write to them.
  const changed = (siteId?: string) => {
    text.invalidate(siteId);
    known.clear();
    opts.chunksChanged?.(siteId);
  };
  // What a turn reads of its conversation, kept where every write is this process's.
  const memory = opts.own ? new ConversationMemory() : null;
  const given = opts.sealing ?? PLAIN;
  // Message text by the site's `encryptMessages` (default on), read as recently as the rest of
  // the site's settings; a site that cannot be read is sealed.
  const sealing: Sealing = given.sealMessages
    ? given
    : { ...given, sealMessages: async (siteId) => (await recentSite({ db: self, clock: Date }, siteId))?.settings?.encryptMessages !== false };
  const self: Db = {
    async ping() {
      await db.execute(sql`select 1`);
    },
    backup: backupRepo(db, () => memory?.clear()),
    insights: insightsRepo(db, sealing),
    sites: sitesRepo(db, (siteId) => {
      changed(siteId);
      memory?.clear();
    }),
    conversations: conversationsRepo(db, sealing, memory),
    messages: messagesRepo(db, sealing, memory),
    tickets: ticketsRepo(db, sealing, { own: opts.own }),
    feedback: feedbackRepo(db, sealing),
    webhooks: webhooksRepo(db, given),
    adminTokens: adminTokensRepo(db),
    intents: intentsRepo(db),
    agents: agentsRepo(db),
    audit: auditRepo(db),
    documents: documentsRepo(db, changed),
    ingestedFiles: ingestedFilesRepo(db),
    chunks: chunksRepo(db, text, known),
    products: productsRepo(db),
    orders: ordersRepo(db, sealing),
    encryption: sealedColumns(db, sealing),
    close,
  };
  return self;
}
