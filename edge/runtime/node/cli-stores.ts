/**
 * What the stores' commands (site, admin) share: the configuration loaded, the stores opened
 * (the session store too when the command erases), the work done, everything closed, and each
 * failure told in one line with its exit code.
 */
import { ConfigError, loadConfig } from '../../config/load';
import type { Config } from '../../config/schema';
import type { Db, SessionStore, VectorStore } from '../../core/ports';
import { consoleLogger } from '../../ops/logger';
import { openStores } from './deps';
import { openSessionStore } from './sessions';

/** How the command was called is wrong (exit 2). */
export class UsageError extends Error {}
/** What it was asked for does not exist (exit 1). */
export class NotFoundError extends Error {}

export interface CliStores {
  db: Db;
  vectors: VectorStore;
  sessions: SessionStore;
  config: Config;
}

export function cliFail(name: string, message: string, code: number): number {
  process.stderr.write(`${name}: ${message}\n`);
  return code;
}

/** 0 when `work` is done; 2 for a bad configuration, a store that cannot be opened or a UsageError; 1 for a NotFoundError. */
export async function withStores(name: string, work: (stores: CliStores) => Promise<void>): Promise<number> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    return cliFail(name, e instanceof ConfigError ? e.message : String(e), 2);
  }
  const log = consoleLogger({ level: 'warn' });
  let stores;
  let sessions;
  try {
    sessions = await openSessionStore(config, log, { now: () => Date.now() });
    stores = await openStores(config, false, log);
  } catch (e) {
    await sessions?.close().catch(() => {});
    return cliFail(name, e instanceof Error ? e.message : String(e), 2);
  }
  try {
    await work({ db: stores.db, vectors: stores.vectors, sessions: sessions.store, config });
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return cliFail(name, e.message, 2);
    if (e instanceof NotFoundError) return cliFail(name, e.message, 1);
    throw e;
  } finally {
    await Promise.allSettled([stores.close(), sessions.close()]);
  }
}
