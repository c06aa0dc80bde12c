import { existsSync } from 'node:fs';
import type { Config } from '../../config/schema';
import type { Deps } from '../../core/deps';
import { describeProgress, ingest } from '../../ingest/run';
import { NoVectorStore } from '../../stores/vectors/none';

export const DEMO_SITE = 'demo';

/** The origins a local browser uses to reach this server: the demo site accepts only those. */
export function localOrigins(config: Config, port: number): string[] {
  const origins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
  if (config.PUBLIC_URL) origins.push(new URL(config.PUBLIC_URL).origin);
  return origins;
}

/**
 * The `demo` site exists whatever else is configured, and accepts the port actually bound.
 * Processes sharing one database add their origins rather than replace each other's.
 */
export async function ensureDemoSite(deps: Deps, config: Config, port: number): Promise<void> {
  const existing = await deps.db.sites.get(DEMO_SITE);
  const origins = [...new Set([...(existing?.allowedOrigins ?? []), ...localOrigins(config, port)])];
  await deps.db.sites.upsert({ id: DEMO_SITE, name: existing?.name ?? 'Juniper Peak', allowedOrigins: origins });
}

/** How long a process waits for another one that is loading the demo data into a shared database. */
const SEED_WAIT_MS = 120_000;

/**
 * An empty demo site gets the sample shop's data, with progress in the log. Processes that
 * start together on shared stores load it once: one holds the lease, the others wait for it.
 */
export async function loadDemoData(deps: Deps, demoDataDir: string, baseDir: string): Promise<void> {
  if ((await deps.db.documents.count(DEMO_SITE)) > 0) return;
  const owner = deps.newId('seed');
  const deadline = deps.clock.now() + SEED_WAIT_MS;
  while (!(await deps.sessions.lease('seed:demo', owner, SEED_WAIT_MS))) {
    if (deps.clock.now() > deadline) throw new Error('another process has been loading the demo data for too long');
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    if ((await deps.db.documents.count(DEMO_SITE)) > 0) return; // loaded by the process we waited for
    await seed(deps, demoDataDir, baseDir);
  } finally {
    await deps.sessions.unlease('seed:demo', owner).catch(() => {});
  }
}

async function seed(deps: Deps, demoDataDir: string, baseDir: string): Promise<void> {
  if (!existsSync(demoDataDir)) {
    deps.log.warn(`no demo data at ${demoDataDir}; the demo site starts empty (load yours with npm run ingest)`);
    return;
  }
  deps.log.info(`empty database: loading the demo data from ${demoDataDir}`);
  // Without a usable vector index the demo is still served, from full text alone.
  const textOnly = deps.vectors.unavailable !== undefined;
  if (textOnly) deps.log.warn('  no vector index: the demo data is stored for full-text search only');
  const summary = await ingest(textOnly ? { ...deps, vectors: new NoVectorStore() } : deps, {
    siteId: DEMO_SITE,
    paths: [demoDataDir],
    baseDir,
    onProgress: (e) => {
      if (e.type !== 'done' && (e.type !== 'embed' || e.done === e.total)) deps.log.info(`  ${describeProgress(e)}`);
    },
  });
  const d = summary.documents;
  for (const f of summary.failed) deps.log.warn(`  could not load ${f.file}: ${f.error}`);
  deps.log.info(
    `demo data loaded: ${d.added} documents, ${summary.chunks} chunks, ${summary.products} products, ${summary.orders} orders in ${(summary.ms / 1000).toFixed(1)} s`,
  );
}
