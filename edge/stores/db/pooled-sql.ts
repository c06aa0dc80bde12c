/**
 * `SqlClient` (what PgVectorStore needs) over a connection pool: node-postgres' Pool or Neon's,
 * which share this shape. Runtime-agnostic.
 *
 * PgVectorStore tunes search with session settings (`SET hnsw.ef_search = …`), which on a
 * pool would reach one connection only, and none at all behind a transaction-mode pooler
 * such as Neon's `-pooler` endpoint. So session `SET`s sent through `exec` are remembered, and
 * every vector-distance query runs in a transaction that applies them with `SET LOCAL`:
 * two more round trips per search, the same result on every connection and behind any pooler.
 */
import type { SqlClient } from '../vectors/pgvector';

interface QueryResultLike {
  rows: unknown[];
}
interface PooledClient {
  query(text: string, params?: unknown[]): Promise<QueryResultLike>;
  release(err?: Error | boolean): void;
}
export interface PoolLike {
  query(text: string, params?: unknown[]): Promise<QueryResultLike>;
  connect(): Promise<PooledClient>;
}

/** pgvector's distance operators: a query using one may scan an index the settings tune. */
const VECTOR_DISTANCE = /<=>|<->|<#>|<\+>/;
/** `SET name = value` / `SET name TO value`, not `SET LOCAL` (which is already per transaction). */
const SESSION_SET = /^\s*SET\s+(?:SESSION\s+)?(?!LOCAL\b)([A-Za-z_][\w.]*)\s*(?:=|\s+TO\s+)\s*('[^']*'|[\w.+-]+)\s*;?\s*$/gim;

export interface PooledSqlClient extends SqlClient {
  /** The session settings remembered for vector searches, for tests and status pages. */
  settings(): Record<string, string>;
}

export function pooledSqlClient(pool: PoolLike): PooledSqlClient {
  const settings = new Map<string, string>();

  return {
    async query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: T[] }> {
      if (settings.size === 0 || !VECTOR_DISTANCE.test(text)) {
        return (await pool.query(text, params)) as { rows: T[] };
      }
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        // One simple-protocol round trip for BEGIN and every SET LOCAL.
        await client.query(['BEGIN', ...[...settings].map(([k, v]) => `SET LOCAL ${k} = ${v}`)].join('; '));
        const res = (await client.query(text, params)) as { rows: T[] };
        await client.query('COMMIT');
        return res;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        // A connection whose rollback failed is in an unknown state: the pool drops it.
        client.release(broken);
      }
    },

    async exec(text: string): Promise<unknown> {
      for (const m of text.matchAll(SESSION_SET)) settings.set(m[1].toLowerCase(), m[2]);
      return pool.query(text);
    },

    settings: () => Object.fromEntries(settings),
  };
}
