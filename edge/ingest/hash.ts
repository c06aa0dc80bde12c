/**
 * The content hash that decides whether a document must be embedded again: its normalised
 * content, plus everything else that shapes its vectors (chunker settings, embedding model).
 * SHA-256 through Web Crypto, which Node and workerd both provide.
 */
import { sha256Hex } from '../core/sha256';
import type { ParsedDocument } from './types';

/** Bump when the chunker's algorithm changes, so every document is rebuilt once. */
export const CHUNKER_VERSION = 1;

export interface HashSettings {
  maxTokens: number;
  overlapTokens: number;
  model: string;
  dimensions: number;
}

export async function documentHash(doc: ParsedDocument, settings: HashSettings): Promise<string> {
  const payload = JSON.stringify([
    CHUNKER_VERSION,
    [settings.maxTokens, settings.overlapTokens, settings.model, settings.dimensions],
    doc.kind,
    doc.title.normalize('NFC'),
    doc.url,
    doc.sections.map((s) => [s.headings.map((h) => h.normalize('NFC')), s.text.normalize('NFC')]),
  ]);
  return sha256Hex(payload);
}
