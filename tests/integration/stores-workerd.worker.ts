/**
 * A Worker used by stores-workerd.test.ts: runs the store adapters inside workerd (the
 * Cloudflare entry of @upstash/redis, Neon's driver on workerd's own WebSocket, toucan-js)
 * and answers with what they returned; `/wired-sessions` asks the Worker's own deps builder.
 */
import { Redis } from '@upstash/redis/cloudflare';
import { createSentryReporter } from '../../edge/ops/sentry';
import { isolateParts, type WorkerEnv } from '../../edge/runtime/workers/deps';
import { openNeon } from '../../edge/stores/db/neon';
import { UpstashSessionStore } from '../../edge/stores/upstash/session-store';
import { PgVectorStore } from '../../edge/stores/vectors/pgvector';
import { originalKey, originalsPrefix, type ObjectStore } from '../../edge/core/ports';
import { R2ObjectStore, type R2BucketLike } from '../../edge/stores/objects/r2';
import { S3ObjectStore } from '../../edge/stores/objects/s3';
import { analyticsMetrics, type AnalyticsDataset } from '../../edge/runtime/workers/analytics-metrics';

interface Env {
  UPSTASH_URL: string;
  UPSTASH_TOKEN: string;
  PG_URL: string;
  WS_PROXY: string;
  SENTRY_DSN: string;
  S3_ENDPOINT: string;
  ORIGINALS: R2BucketLike;
  METRICS: AnalyticsDataset;
}

/** The object-store contract, run inside workerd: what went in comes out, listed by prefix. */
async function objectRoundTrip(store: ObjectStore, run: string): Promise<Record<string, unknown>> {
  const bytes = new TextEncoder().encode(`# ${run}\n\nä ü`);
  await store.put(originalKey(run, 'help/ä x.md'), bytes, 'text/markdown');
  await store.put(originalKey(run, 'faq.csv'), new TextEncoder().encode('q,a'));
  const keys = await store.list(originalsPrefix(run));
  const back = await store.get(originalKey(run, 'help/ä x.md'));
  await store.delete(originalKey(run, 'faq.csv'));
  return { keys, text: back ? new TextDecoder().decode(back) : null, afterDelete: await store.list(originalsPrefix(run)), missing: await store.get(originalKey(run, 'nope')) };
}

export default {
  async fetch(req: Request, env: Env, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === '/ready') return new Response('ok');
    const run = url.searchParams.get('run') ?? 'x';
    const out: Record<string, unknown> = { runtime: typeof navigator === 'undefined' ? null : navigator.userAgent };

    if (url.pathname === '/objects') {
      // R2 through its binding (wrangler dev's local R2), and S3 over workerd's fetch (s3rver).
      out.r2 = await objectRoundTrip(new R2ObjectStore(env.ORIGINALS), run);
      out.s3 = await objectRoundTrip(new S3ObjectStore({ endpoint: env.S3_ENDPOINT, bucket: 'support-chat', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }), run);
      // The Worker's deps builder picks the R2 binding for originals.
      const vars = { CONVERSATIONS: {}, ORIGINALS: env.ORIGINALS, POSTGRES_URL: env.PG_URL, LOG_LEVEL: 'warn' };
      out.wired = isolateParts(vars as unknown as WorkerEnv).objects?.name ?? null;
      // Analytics Engine's binding as workerd gives it: the metrics adapter writes to it.
      analyticsMetrics(env.METRICS).inc('support_chat_messages_total', { site: run });
      out.metrics = typeof env.METRICS?.writeDataPoint;
      return Response.json(out);
    }

    if (url.pathname === '/wired-sessions') {
      // The Worker's own deps builder, with Upstash named by an https:// REDIS_URL as on Node.
      const vars = { CONVERSATIONS: {}, POSTGRES_URL: env.PG_URL, REDIS_URL: env.UPSTASH_URL, UPSTASH_REDIS_REST_TOKEN: env.UPSTASH_TOKEN, LOG_LEVEL: 'warn' };
      const { sessions } = isolateParts(vars as unknown as WorkerEnv).base;
      out.seq = await sessions.appendEvent(`${run}-wired`, { n: 1 }, 0);
      out.events = await sessions.eventsAfter(`${run}-wired`, 0);
      return Response.json(out);
    }

    const store = new UpstashSessionStore({ redis: new Redis({ url: env.UPSTASH_URL, token: env.UPSTASH_TOKEN }), prefix: `${run}:`, maxEventsPerSession: 2 });
    out.seqs = [await store.appendEvent('s', { n: 1 }, 0), await store.appendEvent('s', { n: 2 }, 0), await store.appendEvent('s', { n: 3 }, 0)];
    out.after1 = await store.eventsAfter('s', 1);
    out.after0 = await store.eventsAfter('s', 0);
    out.leases = [await store.lease('m', 'one', 60_000), await store.lease('m', 'two', 60_000)];
    out.waits = [await store.rateLimit('k', 1, 60), (await store.rateLimit('k', 1, 60)) > 0];

    const neon = openNeon(env.PG_URL, { wsProxy: env.WS_PROXY });
    try {
      await neon.db.sites.upsert({ id: run, name: 'Workerd', allowedOrigins: ['https://w.example'] });
      out.site = await neon.db.sites.get(run);
      const [chunk] = await neon.db.documents.replace(
        { id: `d-${run}`, siteId: run, source: 'w.md', kind: 'doc', title: 'W', url: null, hash: 'h' },
        [{ kind: 'doc', ord: 0, title: 'W', url: null, content: 'workerd', tokens: 1 }],
      );
      const vectors = new PgVectorStore(neon.sql);
      await vectors.ensure({ model: 'workerd-test', dimensions: 2 });
      await vectors.upsert([{ chunkId: chunk.id, siteId: run, documentId: chunk.documentId, kind: 'doc', vector: Float32Array.of(0, 1) }]);
      out.hit = (await vectors.search(run, Float32Array.of(0, 1), 1)).map((h) => ({ found: h.chunkId === chunk.id, score: h.score }));
    } finally {
      ctx.waitUntil(neon.close());
    }

    createSentryReporter({ dsn: env.SENTRY_DSN, context: ctx, request: req }).capture(new Error(`visitor wrote ${run}-secret`), {
      stage: 'workerd.stores',
      site: run,
    });
    return Response.json(out);
  },
};
