/**
 * A real Postgres wire server for the local Worker and the tests: in-memory PGlite (Postgres 18 in WASM) with pgvector
 * and our migrations, served by pglite-socket on a free loopback port. Every connection shares
 * PGlite's one session: queries are served one at a time, and an open transaction holds the
 * others back until it ends.
 */
import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { openPglite } from '../../edge/stores/db/pglite';

export interface PgliteServer {
  host: string;
  port: number;
  url: string;
  /** The database itself, for looking behind the wire in assertions. */
  pg: PGlite;
  stop(): Promise<void>;
}

export async function startPgliteServer(opts: { maxConnections?: number } = {}): Promise<PgliteServer> {
  const { pg, db } = await openPglite(null);
  const host = '127.0.0.1';
  // The default of 1 cuts off a pool's second connection.
  const server = new PGLiteSocketServer({ db: pg, host, port: 0, maxConnections: opts.maxConnections ?? 16 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  const port = Number(server.getServerConn().split(':').pop());
  return {
    host,
    port,
    url: `postgres://postgres@${host}:${port}/postgres`,
    pg,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
