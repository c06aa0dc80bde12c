/**
 * npm run db:migrate -- --target <POSTGRES_URL>
 * Brings a shared PostgreSQL (Neon, or any server) to the current schema, the one the Workers
 * and `ingest --target` expect, and prepares the pgvector index for the embedder in use.
 * Exit codes: 0 done (also when the server lacks pgvector: said on stderr), 2 usage or
 * connection error.
 */
import { Command } from 'commander';
import { LOCAL_EMBEDDING_MODEL, LocalEmbedder } from '../../providers/embeddings/local';
import { IndexMismatchError } from '../../core/ports';
import { migrateTarget, NO_PGVECTOR } from './postgres-stores';
import { parseCli, runMain } from './cli-parse';

async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('db:migrate')
    .description('Apply the database migrations to a PostgreSQL server and prepare its vector index')
    .requiredOption('--target <url>', 'postgres:// URL of the database (e.g. Neon\'s direct connection string)', process.env.POSTGRES_URL)
    .option('--no-vectors', 'only the relational tables: do not create the pgvector index');
  const usage = parseCli(program, argv);
  if (usage !== null) return usage;
  const opts = program.opts<{ target: string; vectors: boolean }>();
  if (!/^postgres(ql)?:\/\//.test(opts.target)) return fail('--target must be a postgres:// or postgresql:// URL');

  // The index records its model: it must be the one ingest and the servers will embed with.
  // A shared database is also served by Workers, which can only run the hashed vectors; a
  // Node server left on the default follows it (see edge/runtime/node/index-upgrade.ts).
  const embedder = new LocalEmbedder();
  try {
    const result = await migrateTarget(opts.target, {
      vectorIndex: opts.vectors ? { model: embedder.model, dimensions: embedder.dimensions } : null,
    });
    process.stdout.write(`migrations: ${result.applied} applied (${result.applied ? 'schema updated' : 'already current'})\n`);
    if (result.vectors === 'ready') process.stdout.write(`vectors:    pgvector index ready for ${LOCAL_EMBEDDING_MODEL}\n`);
    if (result.vectors === 'no-pgvector') process.stderr.write(`db:migrate: warning: ${NO_PGVECTOR}\n`);
    return 0;
  } catch (e) {
    if (e instanceof IndexMismatchError) return fail(e.message);
    return fail(`${describe(e)} (target ${redact(opts.target)})`);
  }
}

function fail(message: string): number {
  process.stderr.write(`db:migrate: ${message}\n`);
  return 2;
}

/** pg's connection errors often have an empty message and the reason in `code` or `errors`. */
function describe(e: unknown): string {
  const err = e as { message?: string; code?: string; errors?: { message: string }[] };
  return err.message || err.errors?.map((x) => x.message).join('; ') || err.code || String(e);
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

runMain('db:migrate', main);
