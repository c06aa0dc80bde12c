/** A process's copies of sites' intent models: loaded once, replaced when the stored version changes, checked at most every few seconds. */
import { describe, expect, it } from 'vitest';
import type { Db, IntentModelRow } from '../../../edge/core/ports';
import { SiteModels } from '../../../edge/intents/site-models';
import { silentLogger } from '../../../edge/ops/logger';

function setup() {
  const rows = new Map<string, IntentModelRow>();
  const reads: string[] = [];
  let failing = false;
  const db = {
    intents: {
      async version(siteId: string) {
        reads.push(`version:${siteId}`);
        if (failing) throw new Error('database down');
        return rows.get(siteId)?.version ?? null;
      },
      async get(siteId: string) {
        reads.push(`get:${siteId}`);
        if (failing) throw new Error('database down');
        return rows.get(siteId) ?? null;
      },
    },
  } as unknown as Pick<Db, 'intents'>;
  const clock = { t: 0, now: () => clock.t };
  const save = (siteId: string, version: string, label: string) =>
    rows.set(siteId, { siteId, version, model: { label }, report: {}, examples: [], trainedAt: new Date() });
  const held = new SiteModels({ clock, log: silentLogger }, (stored) => {
    const { label } = stored as { label: string };
    if (label === 'unreadable') throw new Error('not a model');
    return { predict: (_text: string) => ({ label, score: 1 }) };
  }, 5_000);
  const models = { get: (siteId: string) => held.get(db, siteId), forget: (siteId: string) => held.forget(siteId), preload: (ids: string[]) => held.preload(db, ids), version: (siteId: string) => held.version(siteId) };
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { models, save, reads, clock, settle, fail: (on: boolean) => void (failing = on) };
}

describe('SiteModels', () => {
  it('reads a site once, then only its version, at most every five seconds, in the background', async () => {
    const { models, save, reads, clock, settle } = setup();
    save('shop', 'v1', 'cancel');
    expect((await models.get('shop'))!.predict('x')!.label).toBe('cancel');
    expect(reads).toEqual(['version:shop', 'get:shop']);
    clock.t = 4_999;
    await models.get('shop');
    expect(reads).toHaveLength(2);
    clock.t = 5_000;
    // A new training elsewhere: this message still gets v1; the next one, v2.
    save('shop', 'v2', 'warranty');
    expect((await models.get('shop'))!.predict('x')!.label).toBe('cancel');
    await settle();
    expect((await models.get('shop'))!.predict('x')!.label).toBe('warranty');
    expect(reads).toEqual(['version:shop', 'get:shop', 'version:shop', 'get:shop']);
    expect(models.version('shop')).toBe('v2');
  });

  it('a site that never trained has none, remembered until its next check; forget() reads at once', async () => {
    const { models, save, reads, settle } = setup();
    expect(await models.get('blog')).toBeUndefined();
    expect(await models.get('blog')).toBeUndefined();
    expect(reads).toEqual(['version:blog']);
    save('blog', 'v1', 'subscribe');
    models.forget('blog');
    expect((await models.get('blog'))!.predict('x')!.label).toBe('subscribe');
    await settle();
  });

  it('keeps the model it has when the database cannot be read, and has none (built-in intents) for a model it cannot load', async () => {
    const { models, save, clock, fail, settle } = setup();
    save('shop', 'v1', 'cancel');
    await models.get('shop');
    fail(true);
    clock.t = 10_000;
    expect((await models.get('shop'))!.predict('x')!.label).toBe('cancel');
    await settle();
    expect((await models.get('shop'))!.predict('x')!.label).toBe('cancel');
    fail(false);
    save('bad', 'v1', 'unreadable');
    expect(await models.get('bad')).toBeUndefined();
  });

  it('preload reads every site given at once', async () => {
    const { models, save, reads } = setup();
    save('a', 'v1', 'x');
    save('b', 'v1', 'y');
    await models.preload(['a', 'b']);
    expect(reads.sort()).toEqual(['get:a', 'get:b', 'version:a', 'version:b']);
    expect((await models.get('b'))!.predict('t')!.label).toBe('y');
    expect(reads).toHaveLength(4);
  });
});
