import { resolve } from 'node:path';
import { loadConfig } from '../../edge/config/load';
import type { Deps } from '../../edge/core/deps';
import { silentLogger } from '../../edge/ops/logger';
import { buildNodeDeps } from '../../edge/runtime/node/deps';
import { ensureDemoSite, loadDemoData } from '../../edge/runtime/node/seed';

const ROOT = resolve(import.meta.dirname, '../..');

/** The embedded dependencies over an in-memory database holding the demo shop. */
export async function demoDeps(env: Record<string, string> = {}): Promise<{ deps: Deps; close(): Promise<void> }> {
  const config = loadConfig(env);
  const built = await buildNodeDeps(config, silentLogger, { inMemory: true });
  await ensureDemoSite(built.deps, config, 0);
  await loadDemoData(built.deps, resolve(ROOT, 'demo/data'), ROOT);
  return built;
}
