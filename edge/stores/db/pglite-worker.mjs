/**
 * PGlite on a thread of its own (pglite-thread.ts is the other side). Plain JS so it starts in
 * any Node worker, whatever loader ran the main thread. Queries arrive in order and PGlite runs
 * them one at a time; transactions are the main thread's to keep whole.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Statements } from './pglite-statements.mjs';

// drizzle maps dates and intervals itself from text (see pglite.ts): set once, here.
const asText = (value) => value;
const parsers = { [types.TIMESTAMP]: asText, [types.TIMESTAMPTZ]: asText, [types.INTERVAL]: asText, [types.DATE]: asText };

/** An error as data: what the main thread needs to rebuild it (message, name, Postgres' fields). */
function plain(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return { ...e, name: e.name, message: e.message, stack: e.stack };
}

/** A blob leaves as its bytes (moved, not copied). */
async function outgoing(result) {
  if (!result?.blob) return [result, []];
  const bytes = await result.blob.arrayBuffer();
  return [{ ...result, blob: bytes }, [bytes]];
}

let pg;
let statements;
try {
  const { dataDir, startParams } = workerData;
  pg = await PGlite.create({ ...(dataDir === null ? { startParams } : { dataDir }), extensions: { vector }, parsers });
  statements = new Statements(pg);
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ ready: false, error: plain(err) });
  parentPort.close();
}

parentPort.on('message', async ({ id, op, sql, params, rowMode, blob }) => {
  try {
    if (op === 'close') {
      if (!pg.closed) await pg.close();
      parentPort.postMessage({ id, result: null });
      parentPort.close();
      return;
    }
    const file = blob ? { blob: new Blob([blob]) } : {};
    const result = op === 'exec' ? await pg.exec(sql, file) : await statements.query(sql, params, { ...(rowMode ? { rowMode } : {}), ...file });
    const [sent, moved] = op === 'exec' ? [result.map(({ blob: _, ...r }) => r), []] : await outgoing(result);
    parentPort.postMessage({ id, result: sent }, moved);
  } catch (err) {
    parentPort.postMessage({ id, error: plain(err) });
  }
});
