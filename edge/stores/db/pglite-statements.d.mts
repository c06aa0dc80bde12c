import type { PGlite, QueryOptions, Results } from '@electric-sql/pglite';

/** PGlite's `query` in one call into Postgres, a statement seen twice kept prepared (pglite-statements.mjs). */
export declare class Statements {
  constructor(pg: PGlite);
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
}
