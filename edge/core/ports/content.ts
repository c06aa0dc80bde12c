/** What a site serves from: the site itself, its documents, their chunks, and the files they came from. */
import type { SiteSettings } from '../sites/settings';
import type { DocKind } from './vectors';

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
