/** baseDeps: what both runtimes build alike from config, around the parts each one hands in. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../edge/config/load';
import { settingsFrom } from '../../../edge/config/settings';
import { silentLogger } from '../../../edge/ops/logger';
import { LocalEmbedder } from '../../../edge/providers/embeddings/local';
import { MemorySessionStore } from '../../../edge/stores/memory/session-store';
import { NoVectorStore } from '../../../edge/stores/vectors/none';
import { baseDeps, type Platform } from '../../../edge/wiring/deps';
import type { LocalModel } from '../../../edge/wiring/providers';

const clock = { now: () => 1_000 };
const platform = (extra: Partial<Platform> = {}): Platform => ({ log: silentLogger, clock, sessions: new MemorySessionStore({ clock }), ...extra });
const miniLm: LocalModel = {
  model: 'all-MiniLM-L6-v2',
  unavailable: () => null,
  create: () => Object.assign(new LocalEmbedder(), { model: 'all-MiniLM-L6-v2' }) as never,
};

describe('baseDeps', () => {
  it("keeps the runtime's own parts and builds the rest from config", async () => {
    const config = loadConfig({ RAG_TOP_K: '7' });
    const p = platform();
    const { deps } = baseDeps(config, p);
    expect(deps.sessions).toBe(p.sessions);
    expect(deps.log).toBe(p.log);
    expect(deps.clock).toBe(clock);
    expect(deps.settings).toEqual(settingsFrom(config));
    expect(deps.settings.topK).toBe(7);
    // The embedded classifier answers at once, without a promise.
    const classified = deps.intents.classify('where is my order?');
    expect(classified).not.toBeInstanceOf(Promise);
    expect((await classified).intent).toBeTypeOf('string');
    expect(deps.newId('m')).not.toBe(deps.newId('m'));
  });

  it("embeds with the runtime's in-process model when it offers one, else the hashed vectors", () => {
    expect(baseDeps(loadConfig({}), platform()).deps.embedder.model).toBe('local-hash-384');
    expect(baseDeps(loadConfig({}), platform({ localModels: [miniLm] })).deps.embedder.model).toBe('all-MiniLM-L6-v2');
  });

  it("puts vectors in Qdrant when QDRANT_URL is set, else in the runtime's own store", () => {
    const own = new NoVectorStore();
    expect(baseDeps(loadConfig({}), platform()).vectors(() => own)).toBe(own);
    expect(baseDeps(loadConfig({ QDRANT_URL: 'http://127.0.0.1:6333' }), platform()).vectors(() => own).name).toBe('qdrant');
  });
});
