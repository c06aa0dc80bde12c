import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate` writes the next migration from the schema; no database needed.
export default defineConfig({
  dialect: 'postgresql',
  schema: './edge/stores/db/schema.ts',
  out: './edge/stores/db/migrations',
  // The vector store owns these (pgvector may be absent): keep push/pull from touching them.
  tablesFilter: ['!chunk_vectors', '!vector_index_info'],
});
