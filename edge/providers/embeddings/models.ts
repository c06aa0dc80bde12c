/**
 * The names EMBEDDING_MODEL may take for an embedded (in-process) embedder, runtime-agnostic:
 * the config is validated on Node and on Workers alike, and only the Node runtime can run
 * the MiniLM model (its code lives in ./minilm.ts, which the Worker never imports).
 */
import { LOCAL_EMBEDDING_MODEL } from './local';

/** EMBEDDING_MODEL's default: the best embedded model this runtime can run. */
export const AUTO_EMBEDDING = 'auto';
export const MINILM_MODEL = 'all-MiniLM-L6-v2';

/** In-process models: no API key, no network. */
export function isEmbeddedModel(name: string): boolean {
  return isAuto(name) || name === LOCAL_EMBEDDING_MODEL || name.startsWith('local-') || name.toLowerCase() === MINILM_MODEL.toLowerCase();
}

export function isMiniLm(name: string): boolean {
  return name.toLowerCase() === MINILM_MODEL.toLowerCase();
}

export function isAuto(name: string): boolean {
  return name.toLowerCase() === AUTO_EMBEDDING;
}
