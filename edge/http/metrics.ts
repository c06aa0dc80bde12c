/**
 * `/metrics` in Prometheus' text format, for a scraper holding METRICS_TOKEN (Bearer). Off
 * (404) without the token or where the runtime exports nothing (Workers): the figures name
 * sites and their traffic, which is nobody else's business, and the port is the public one.
 */
import type { Hono } from 'hono';
import { sameSecret } from '../core/secrets';

export interface MetricsExport {
  contentType: string;
  text(): Promise<string>;
}

export function mountMetrics(app: Hono, token: string | undefined, exporter: MetricsExport | undefined): void {
  app.get('/metrics', async (c) => {
    if (!token || !exporter) {
      return c.json({ error: { code: 'not_found', message: 'metrics are off; set METRICS_TOKEN (Node) and scrape with it as a Bearer token' } }, 404);
    }
    const given = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (!(await sameSecret(given, token))) {
      return c.json({ error: { code: 'unauthorized', message: 'a Bearer token (METRICS_TOKEN) is needed' } }, 401, { 'WWW-Authenticate': 'Bearer' });
    }
    return c.body(await exporter.text(), 200, { 'Content-Type': exporter.contentType, 'Cache-Control': 'no-store' });
  });
}
