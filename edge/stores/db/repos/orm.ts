import type { PgDatabase } from 'drizzle-orm/pg-core';
import { sql, type Placeholder, type SQL } from 'drizzle-orm';

/** Any drizzle Postgres database (PGlite, node-postgres, Neon): the repos use only the query builder. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Orm = PgDatabase<any, any>;

/**
 * The name for `.prepare()` of a query run on every message: drizzle builds its SQL once, and
 * the statement stays unnamed on the server, as every other query (a named one would be parsed
 * once per connection, but poolers in transaction mode and later migrations trip on it).
 */
export const ONCE = '';

/** `{ name: sql.placeholder(name) }` for each name: the values of a prepared insert, bound at each run. */
export function placeholders<K extends string>(names: readonly K[]): Record<K, Placeholder<K>> {
  return Object.fromEntries(names.map((n) => [n, sql.placeholder(n)])) as Record<K, Placeholder<K>>;
}

/** Postgres' bind-parameter limit is 65,535: stay far under it for multi-row inserts. */
export const INSERT_BATCH = 500;

export function* batches<T>(rows: T[], size = INSERT_BATCH): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/**
 * The words of `text` as an OR tsquery, so a question matches passages sharing any of its terms
 * (plainto_tsquery alone ANDs them and misses most paraphrases). NULL when nothing is left after
 * stop words, which makes `@@` false instead of raising on an empty tsquery.
 */
export function anyTermsQuery(text: string): SQL {
  return sql`(case when numnode(plainto_tsquery('english', ${text})) = 0 then null
    else replace(plainto_tsquery('english', ${text})::text, ' & ', ' | ')::tsquery end)`;
}

/** Escapes LIKE wildcards so user text matches literally. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** drizzle's `execute` returns rows directly on some drivers and `{ rows }` on others. */
export function rowsOf<T>(res: unknown): T[] {
  return (Array.isArray(res) ? res : (res as { rows: T[] }).rows) as T[];
}
