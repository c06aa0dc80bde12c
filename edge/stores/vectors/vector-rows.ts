/**
 * Vector rows written to pgvector's table in batches: binary COPY where the client takes a blob
 * (PGlite), multi-row INSERTs elsewhere. Either way a chunk's row is replaced, never doubled.
 */
import type { VectorItem } from '../../core/ports';
import type { SqlClient } from './pgvector';
import { copyBinary, textArrayLiteral, toVectorLiteral } from './sql-forms';

const UPSERT_BATCH = 500;
/** Vectors per binary COPY (~1.6 KB each at 384 dimensions). */
const COPY_BATCH = 5000;

export async function writeVectorRows(client: SqlClient, items: VectorItem[], binaryCopy: boolean): Promise<void> {
  if (binaryCopy) {
    for (let i = 0; i < items.length; i += COPY_BATCH) await copyBatch(client, items.slice(i, i + COPY_BATCH));
  } else {
    for (let i = 0; i < items.length; i += UPSERT_BATCH) await insertBatch(client, items.slice(i, i + UPSERT_BATCH));
  }
}

/**
 * One statement list, so one transaction that nothing else runs inside: the rows' old vectors
 * go, then the new ones come in binary (an upsert, as insertBatch's ON CONFLICT).
 */
async function copyBatch(client: SqlClient, batch: VectorItem[]): Promise<void> {
  await client.exec(
    `DELETE FROM chunk_vectors WHERE chunk_id = ANY(${textArrayLiteral(batch.map((it) => it.chunkId))});
     COPY chunk_vectors (chunk_id, site_id, document_id, kind, embedding) FROM '/dev/blob' WITH (FORMAT binary)`,
    { blob: new Blob([copyBinary(batch)]) },
  );
}

async function insertBatch(client: SqlClient, batch: VectorItem[]): Promise<void> {
  const params: unknown[] = [];
  const tuples = batch.map((it) => {
    params.push(it.chunkId, it.siteId, it.documentId, it.kind, toVectorLiteral(it.vector));
    const p = params.length;
    return `($${p - 4}, $${p - 3}, $${p - 2}, $${p - 1}, $${p}::vector)`;
  });
  await client.query(
    `INSERT INTO chunk_vectors (chunk_id, site_id, document_id, kind, embedding) VALUES ${tuples.join(', ')}
     ON CONFLICT (chunk_id) DO UPDATE SET site_id = excluded.site_id, document_id = excluded.document_id,
       kind = excluded.kind, embedding = excluded.embedding`,
    params,
  );
}
