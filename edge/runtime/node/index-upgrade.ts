/**
 * What the Node server does at start when the vector index was built by another embedding
 * model than the one it would use (typically: a `.data` built by local-hash-384 before
 * all-MiniLM-L6-v2 became the default).
 *
 * - EMBEDDING_MODEL set explicitly: nothing is changed behind the operator's back. Vector
 *   search is off (full text answers) and the log names the command to re-embed.
 * - EMBEDDING_MODEL unset, embedded database (PGlite in DATA_DIR, owned by this process):
 *   the stored chunks are re-embedded at start with progress in the log, so an upgrade gives
 *   the better vectors without a manual step (the demo shop takes a second or two).
 * - EMBEDDING_MODEL unset, shared stores (POSTGRES_URL or QDRANT_URL): other processes use
 *   the same index, Workers among them, which cannot run MiniLM. So the server follows the
 *   model that built the index when it can embed with it (local-hash-384), and logs the
 *   command to switch everyone over.
 * - The default fell back to the hashed vectors (MiniLM's files missing) and MiniLM built the
 *   index: it is not rebuilt downwards; vector search is off until the files are back.
 */
import type { EmbeddingChoice } from '../../wiring/providers';
import type { Db, Embedder, IndexInfo, Logger, VectorStore } from '../../core/ports';
import { LOCAL_EMBEDDING_MODEL } from '../../providers/embeddings/local';
import { reembedStored } from '../../ingest/reembed';

export type IndexPlan = 'reembed' | 'follow-hashed' | 'refuse';

export function planIndexUpgrade(o: { choice: EmbeddingChoice; built: IndexInfo; shared: boolean }): IndexPlan {
  if (o.choice.explicit || o.choice.kind !== 'local-model') return 'refuse';
  if (!o.shared) return 'reembed';
  return o.built.model === LOCAL_EMBEDDING_MODEL ? 'follow-hashed' : 'refuse';
}

/** Re-embeds every stored chunk with `embedder`, logging progress about every quarter. */
export async function reembedAtStart(
  deps: { db: Db; vectors: VectorStore & { reset?(info: IndexInfo): Promise<void> }; embedder: Embedder; log: Logger },
  built: IndexInfo,
): Promise<void> {
  const { log, embedder } = deps;
  let next = 0;
  const summary = await reembedStored(deps, {
    onProgress: (done, total) => {
      if (done === 0) {
        log.info(`vector index: built by ${built.model}; EMBEDDING_MODEL is unset, so the ${total} stored chunks are re-embedded with ${embedder.model} (once)`);
        next = total / 4;
      } else if (done >= next && done < total) {
        log.info(`  re-embedded ${done}/${total} chunks`);
        next += total / 4;
      }
    },
  });
  log.info(`vector index: ${summary.chunks} chunks of ${summary.sites} sites re-embedded with ${embedder.model} in ${(summary.ms / 1000).toFixed(1)} s`);
}

export function followMessage(built: IndexInfo, wanted: string): string {
  return (
    `vector index: the shared one was built by ${built.model}, so this process embeds with it too (EMBEDDING_MODEL is unset). ` +
    `To switch to ${wanted} (Node servers only: Workers cannot run it): \`EMBEDDING_MODEL=${wanted} npm run ingest -- --reembed\` against these stores, then EMBEDDING_MODEL=${wanted} on every Node server`
  );
}
