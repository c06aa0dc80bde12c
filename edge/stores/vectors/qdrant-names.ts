/**
 * Names in Qdrant. A collection holds one embedding model's vectors and is named for it; the
 * alias (the configured prefix) points at the collection in use, so re-embedding can switch
 * models by moving the alias. Point ids must be unsigned integers or UUIDs, so a chunk id is
 * hashed (SHA-256) into a UUID, stably, and the chunk id itself travels in the payload.
 */
import type { IndexInfo } from '../../core/ports';

export const DEFAULT_QDRANT_PREFIX = 'support_chat';

export function collectionName(prefix: string, info: IndexInfo): string {
  const slug = info.model.toLowerCase().replace(/[^a-z0-9._-]+/g, '_').slice(0, 120);
  return `${prefix}__${slug}__${info.dimensions}`;
}

/** Model and dimensions read back from a collection name (when the server keeps no metadata). */
export function parseCollectionName(prefix: string, name: string): IndexInfo | null {
  const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}__(.+)__(\\d+)$`).exec(name);
  return m ? { model: m[1], dimensions: Number(m[2]) } : null;
}

export async function pointId(chunkId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(chunkId)));
  const hex = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
