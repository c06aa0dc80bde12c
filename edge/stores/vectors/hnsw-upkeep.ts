/**
 * pgvector's upkeep beside the rows: the HNSW graph's DDL and its builds after a bulk load, and
 * the planner's statistics, which PGlite (no autovacuum) would otherwise never refresh.
 */
import type { SqlClient } from './pgvector';

const ANALYZE_MIN_CHANGES = 500;
/** Upper bound on the memory an embedded HNSW build may take (wasm32 addresses 4 GB at most). */
const BUILD_MEMORY_MAX_MB = 1536;

export interface HnswSettings {
  /** HNSW links per node. */
  m: number;
  /** Build-time graph quality. */
  efConstruction: number;
  /** The database is this process's own (PGlite): a build may set the memory it needs. */
  ownDatabase: boolean;
}

export class HnswUpkeep {
  /** Writes since the planner statistics were refreshed, and the row count then. */
  private changed = 0;
  private analyzedRows = 0;
  /** Whether the statistics were refreshed since this object was made (or forgot). */
  private analyzed = false;

  constructor(
    private readonly client: SqlClient,
    private readonly settings: HnswSettings,
  ) {}

  /** Idempotent, so an interrupted bulk load heals on the next ensure(). */
  ddl(): string {
    return `CREATE INDEX IF NOT EXISTS chunk_vectors_hnsw_idx ON chunk_vectors
      USING hnsw (embedding vector_cosine_ops) WITH (m = ${this.settings.m}, ef_construction = ${this.settings.efConstruction})`;
  }

  /**
   * The HNSW graph over every stored vector (`dims` each; `rows` counts them, asked only where
   * it matters). In PGlite the build gets the memory the graph needs (~2.5 KB a vector at 384
   * dimensions): past maintenance_work_mem (64 MB) pgvector goes on building on disk (60k × 384:
   * 231 s instead of 68 s). A server's own setting is left as it is.
   */
  async build(dims: number, rows: () => Promise<number>): Promise<void> {
    if (!this.settings.ownDatabase) {
      await this.client.exec(this.ddl());
      return;
    }
    const perVector = dims * 4 + this.settings.m * 2 * 24 + 256;
    const mb = Math.min(BUILD_MEMORY_MAX_MB, Math.max(64, Math.ceil(((await rows()) * perVector * 1.25) / 2 ** 20)));
    await this.client.exec(`SET LOCAL maintenance_work_mem = '${mb}MB'; ${this.ddl()}`);
  }

  wrote(rows: number): void {
    this.changed += rows;
  }

  /** The table was dropped: the next refresh analyzes whatever it holds then. */
  forget(): void {
    this.analyzed = false;
  }

  /**
   * Once per object (another process may have written since its last ANALYZE), then as its own
   * writes make them stale: an ingest calls ensure() on every run.
   */
  async refreshStatistics(): Promise<void> {
    if (this.analyzed) await this.analyzeIfStale();
    else await this.analyze();
  }

  /**
   * Without statistics the planner guesses a site filter keeps 0.5% of rows and scans the table
   * instead of the HNSW index (8 ms instead of 1-2 ms at 10k); PGlite runs no autovacuum, so
   * refresh them here after enough writes (~35 ms at 10k rows).
   */
  async analyzeIfStale(): Promise<void> {
    if (this.changed < Math.max(ANALYZE_MIN_CHANGES, this.analyzedRows * 0.1)) return;
    await this.analyze();
  }

  async analyze(): Promise<void> {
    await this.client.exec('ANALYZE chunk_vectors');
    // ANALYZE's own row count: exact at these sizes, and no scan of the table.
    const { rows } = await this.client.query<{ n: number }>(
      `SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'chunk_vectors'::regclass`,
    );
    this.analyzedRows = Number(rows[0]?.n ?? 0);
    this.changed = 0;
    this.analyzed = true;
  }
}
