import type { Hono } from 'hono';
import type { Deps } from '../core/deps';

/** `draining`: the process was asked to stop; a load balancer should send nobody new. */
export function mountHealth(app: Hono, deps: Deps, draining: () => boolean = () => false): void {
  app.get('/healthz', (c) => c.json({ ok: true }));
  // Ready means the stores answer: a load balancer should not send visitors before that.
  app.get('/readyz', async (c) => {
    const probes: [string, () => Promise<unknown>][] = [
      ['db', () => deps.db.ping()],
      ['vectors', () => deps.vectors.info()],
      ['sessions', () => deps.sessions.ping()],
    ];
    // At once, each bounded: one dead server must not hide the state of the others.
    const results = await Promise.all(
      probes.map(async ([name, probe]) => {
        try {
          await withTimeout(probe(), 2000);
          return [name, 'ok'] as const;
        } catch (err) {
          return [name, String(err instanceof Error ? err.message : err)] as const;
        }
      }),
    );
    const checks: Record<string, string> = Object.fromEntries(results);
    if (draining()) checks.process = 'shutting down';
    const ok = Object.values(checks).every((v) => v === 'ok');
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
