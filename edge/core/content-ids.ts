/**
 * Ids of documents and chunks made from what they are, not drawn at random. Rankings break
 * ties by id, so with random ids the same corpus, ingested twice, answered some questions
 * differently (another of two equal passages cited, a confidence 0.04 apart). Now the same
 * corpus gets the same ids wherever and whenever it is ingested, and the same answers.
 */
import type { ChunkRow } from './ports';
import { sha256Hex } from './sha256';

/** A site's document for `source` (a file path, a URL, a product feed entry). */
export async function documentIdFor(siteId: string, source: string): Promise<string> {
  return `doc_${(await sha256Hex(`${siteId}\u0000${source}`)).slice(0, 32)}`;
}

/**
 * The chunks of one version of a document: named by the document, its content hash (which
 * covers the embedding model too) and the rows themselves, so a row never changes under its
 * id, as anything keyed by chunk id (vectors, caches) expects, whatever hash a caller passes.
 * 24 hex digits name the version, 8 the chunk's place in it.
 */
export async function chunkIdsFor(documentId: string, hash: string, rows: readonly ChunkContent[]): Promise<(ord: number) => string> {
  const version = (await sha256Hex(JSON.stringify([documentId, hash, rows.map((r) => [r.ord, r.kind, r.title, r.url, r.content, r.tokens])]))).slice(0, 24);
  return (ord) => `ch_${version}${ord.toString(16).padStart(8, '0')}`;
}

/** What a chunk row holds besides its ids. */
export type ChunkContent = Omit<ChunkRow, 'id' | 'documentId' | 'siteId'>;
