/**
 * Deleting a site with everything it holds: its conversations erased as an admin erasure
 * does (the session store's copies, a Durable Object's storage, the rows), its documents'
 * vectors from the vector store, then the site's rows in one transaction (documents and their
 * chunks, products, orders, agents). The audit trail keeps its entries and records the
 * deletion. A failure part-way leaves the site to delete again.
 */
import type { Deps } from '../core/deps';
import { dropSiteOriginals } from '../ingest/originals';
import { eraseConversation, type RuntimeErase } from './erase';

export interface SiteDeleted {
  conversations: number;
  documents: number;
}

export async function deleteSite(deps: Pick<Deps, 'db' | 'sessions' | 'vectors' | 'objects' | 'log'>, siteId: string, who: { actor: string; address?: string }, runtimeErase?: RuntimeErase): Promise<SiteDeleted | null> {
  if (!(await deps.db.sites.get(siteId))) return null;
  let conversations = 0;
  // Everything "idle since" a moment from now: all of the site's conversations, a batch at a time.
  const future = new Date(Date.now() + 86_400_000);
  for (;;) {
    const batch = await deps.db.conversations.idleSince(future, 200, siteId);
    if (batch.length === 0) break;
    for (const c of batch) await eraseConversation(deps, c, { actor: who.actor, action: 'conversation.erased' }, runtimeErase);
    conversations += batch.length;
  }
  const documents = (await deps.db.documents.list(siteId)).map((d) => d.id);
  if (documents.length) await deps.vectors.deleteByDocuments(documents);
  await deps.db.sites.delete(siteId);
  // Its files' originals too; a store that is down leaves them, said in the log.
  await dropSiteOriginals(deps.objects, siteId, deps.log);
  await deps.db.audit.add({ siteId, actor: who.actor, action: 'site.deleted', detail: { conversations, documents: documents.length, ...(who.address ? { address: who.address } : {}) } });
  return { conversations, documents: documents.length };
}
