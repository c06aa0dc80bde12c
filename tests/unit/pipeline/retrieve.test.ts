import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../../edge/core/deps';
import { retrieve } from '../../../edge/pipeline/retrieve';
import { demoDeps } from '../../helpers/deps';

let deps: Deps;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ deps, close } = await demoDeps());
});
afterAll(() => close());

describe('hybrid retrieval over the demo shop (pgvector + Postgres full text, real PGlite)', () => {
  it('finds the passage for a question and marks what both searches found', async () => {
    const found = await retrieve(deps, 'demo', 'How long do I have to return something?', 10);
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThanOrEqual(10);
    expect(found.slice(0, 3).some((c) => /return/i.test(c.chunk.title))).toBe(true);
    expect(found.some((c) => c.vectorScore !== null && c.textRank !== null)).toBe(true);
    // fused scores come best first
    expect(found.map((c) => c.fused)).toEqual([...found.map((c) => c.fused)].sort((a, b) => b - a));
  });

  it('finds an exact product code through full text', async () => {
    const found = await retrieve(deps, 'demo', 'JP-STV-01', 5);
    expect(found[0].chunk.content).toContain('JP-STV-01');
    expect(found.map((c) => c.fused)).toEqual([...found.map((c) => c.fused)].sort((a, b) => b - a));
    // Full text ties every chunk sharing "jp" (chunk ids are random, so their order is too): a
    // chunk the vector side likes that only shares a part of the code must not pass the code itself.
    const widened = await retrieve(deps, 'demo', 'Where is JP-STV-01 described? I used order number JP-10421 before', 20);
    expect(widened[0].chunk.content).toMatch(/JP-STV-01|JP-10421/);
  });

  it('keeps sites apart', async () => {
    await deps.db.sites.upsert({ id: 'other', name: 'Other', allowedOrigins: [] });
    expect(await retrieve(deps, 'other', 'How long do I have to return something?', 10)).toEqual([]);
  });

  it('respects RAG_TOP_K', async () => {
    expect((await retrieve(deps, 'demo', 'tent', 3)).length).toBeLessThanOrEqual(3);
  });
});
