/** The start-up log's account of what serves each job, built from config without building anything. */
import { describeSessionStore, sessionStoreChoice } from '../config/session-store';
import type { Config } from '../config/schema';
import { describeProviderChoices, type LocalModel } from './providers';

/** Which implementation serves each job (`localModels`: the embedded models this runtime offers). */
export function describeProviders(config: Config, localModels: LocalModel[] = []): Record<string, string> {
  return {
    ...describeProviderChoices(config, localModels),
    db: config.POSTGRES_URL ? `PostgreSQL at ${new URL(config.POSTGRES_URL).host}` : `PGlite in ${config.DATA_DIR}`,
    sessions: describeSessionStore(sessionStoreChoice(config)),
    // The host only: the DSN's user part is the project's key.
    errors: config.SENTRY_DSN ? `Sentry at ${new URL(config.SENTRY_DSN).host}` : 'off',
  };
}
