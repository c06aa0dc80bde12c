import type { Hono } from 'hono';
import type { Deps } from '../core/deps';

export function mountHealth(app: Hono, deps: Deps): void {
  app.get('/healthz', (c) => c.json({ ok: true }));
  // Ready means the stores answer: a load balancer should not send visitors before that.
  app.get('/readyz', async (c) => {
    const checks: Record<string, string> = {};
    let ok = true;
    const probes: [string, () => Promise<unknown>][] = [
      ['db', () => deps.db.ping()],
      ['vectors', () => deps.vectors.info()],
    ];
    for (const [name, probe] of probes) {
      try {
        await withTimeout(probe(), 2000);
        checks[name] = 'ok';
      } catch (err) {
        ok = false;
        checks[name] = String(err instanceof Error ? err.message : err);
      }
    }
    return c.json({ ok, checks }, ok ? 200 : 503);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))),
  ]);
}
