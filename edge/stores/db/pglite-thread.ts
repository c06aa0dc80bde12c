/**
 * PGlite on a worker thread, behind the little of PGlite's API that drizzle and the vector
 * store use (query, exec, transaction, close). PGlite runs every query on the thread that
 * holds it; on the main thread that was 40% of a busy server's event loop (protocol parsing,
 * file I/O, WASM), during which no socket was served. Here the event loop only posts a
 * message and takes the rows back.
 */
import { Worker } from 'node:worker_threads';
import type { PGlite, Results, Transaction } from '@electric-sql/pglite';

interface Reply {
  id: number;
  result?: unknown;
  error?: Record<string, unknown> & { message: string };
}

interface Call {
  op: 'query' | 'exec' | 'close';
  sql?: string;
  params?: unknown[];
  rowMode?: 'array' | 'object';
  blob?: ArrayBuffer;
}

type QueryOptions = { rowMode?: 'array' | 'object'; blob?: Blob };

const WORKER = new URL('./pglite-worker.mjs', import.meta.url);

/** An error the thread reported, rebuilt with Postgres' fields (code, detail, …) as PGlite throws it. */
function rebuilt(e: Reply['error']): Error {
  const { message, stack: _, ...fields } = e!;
  return Object.assign(new Error(message), fields);
}

export class PgliteThread {
  closed = false;
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  /** Set while a transaction holds the database: every other query waits for it, as in PGlite. */
  private held: Promise<void> | null = null;
  private broken: Error | null = null;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.on('message', (m: Reply) => {
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) worker.unref();
      if (m.error) w.reject(rebuilt(m.error));
      else w.resolve(m.result);
    });
    const fail = (err: Error) => {
      this.broken ??= new Error(`the embedded database stopped: ${err.message}`, { cause: err });
      for (const w of this.waiting.values()) w.reject(this.broken);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`its thread exited with code ${code}`));
    });
  }

  /** Starts the thread and opens the database there: `dataDir` on disk, or in memory when null. */
  static async open(dataDir: string | null, startParams: string[]): Promise<PgliteThread> {
    // Plain JS: none of the main thread's loaders (tsx, a test's preloads) are run again there.
    const worker = new Worker(WORKER, { workerData: { dataDir, startParams }, execArgv: [] });
    const started = await new Promise<{ ready: boolean; error?: Reply['error'] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the database thread exited with code ${code} while opening`)));
    }).catch((err: Error) => ({ ready: false, error: { message: err.message } }));
    if (!started.ready) {
      await worker.terminate();
      throw rebuilt(started.error);
    }
    worker.unref();
    return new PgliteThread(worker);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    await this.free();
    return this.run<T>(sql, params, options);
  }

  async exec(sql: string, options?: { blob?: Blob }): Promise<Results[]> {
    await this.free();
    return this.call({ op: 'exec', sql, blob: await bytes(options?.blob) }) as Promise<Results[]>;
  }

  /** BEGIN … COMMIT with nothing else in between; ROLLBACK when `fn` throws. */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    await this.free();
    let release!: () => void;
    this.held = new Promise((r) => (release = r));
    const tx = {
      query: (sql: string, params?: unknown[], options?: QueryOptions) => this.run(sql, params, options),
      sql: () => Promise.reject(new Error('tx.sql is not offered by the database thread')),
      exec: (sql: string) => this.call({ op: 'exec', sql }),
      rollback: () => this.call({ op: 'exec', sql: 'ROLLBACK' }).then(() => {}),
      listen: () => Promise.reject(new Error('listen is not offered by the database thread')),
      closed: false,
    } as unknown as Transaction;
    try {
      await this.call({ op: 'exec', sql: 'BEGIN' });
      try {
        const result = await fn(tx);
        await this.call({ op: 'exec', sql: 'COMMIT' });
        return result;
      } catch (err) {
        await this.call({ op: 'exec', sql: 'ROLLBACK' }).catch(() => {});
        throw err;
      }
    } finally {
      (tx as { closed: boolean }).closed = true;
      this.held = null;
      release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.free();
    this.closed = true;
    if (!this.broken) await this.call({ op: 'close' }).catch(() => {});
    await this.worker.terminate();
  }

  /** Resolves once no transaction holds the database (looping: another may take it first). */
  private async free(): Promise<void> {
    while (this.held) await this.held;
  }

  private async run<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    const result = (await this.call({ op: 'query', sql, params, rowMode: options?.rowMode, blob: await bytes(options?.blob) })) as Results<T> & {
      blob?: ArrayBuffer | Blob;
    };
    if (result.blob instanceof ArrayBuffer) result.blob = new Blob([result.blob]);
    return result as Results<T>;
  }

  private call(c: Call): Promise<unknown> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.closed && c.op !== 'close') return Promise.reject(new Error('the embedded database is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Held open only while a query is out, as PGlite in process would be: an idle database
      // never keeps a finished command from exiting.
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...c }, c.blob ? [c.blob] : []);
    });
  }
}

async function bytes(blob: Blob | undefined): Promise<ArrayBuffer | undefined> {
  return blob ? blob.arrayBuffer() : undefined;
}

/** What the stores need of either: the in-process PGlite or the thread. */
export type PgliteClient = Pick<PGlite, 'query' | 'exec' | 'transaction' | 'close' | 'closed'> | PgliteThread;
