import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../edge/config/load';
import type { Logger } from '../../edge/core/ports';
import { silentLogger } from '../../edge/ops/logger';
import { startServer, type RunningServer, type StartOptions } from '../../edge/runtime/node/server';
import { NO_LIMITS } from './limits';

export interface TestServer extends RunningServer {
  dataDir: string;
  wsUrl(site?: string): string;
  restart(): Promise<TestServer>;
  destroy(): Promise<void>;
}

/** The real Node server on a free loopback port, with its own file-backed database (`opts`: provider tuning). */
export async function startTestServer(env: Record<string, string> = {}, dataDir?: string, opts: Pick<StartOptions, 'providers'> & { log?: Logger } = {}): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'support-chat-test-'));
  // The hashed vectors unless a test asks (EMBEDDING_MODEL: 'auto' for the product's default):
  // most server tests exercise the protocol, and the MiniLM model costs each test process a load
  // and the demo's embedding (tests/unit/providers/minilm.test.ts and runtime/node.test.ts run it).
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'db'), ...NO_LIMITS, EMBEDDING_MODEL: 'local-hash-384', ...env });
  // Port 0 picks a free port; the demo site's allowed origins follow the real one.
  const server = await startServer(config, opts.log ?? silentLogger, opts);
  const t: TestServer = {
    ...server,
    dataDir: dir,
    wsUrl: (site = 'demo') => `ws://127.0.0.1:${server.port}/v1/ws?site=${encodeURIComponent(site)}`,
    restart: async () => {
      await server.close();
      return startTestServer(env, dir, opts);
    },
    destroy: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}
