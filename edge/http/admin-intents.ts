/**
 * A site's own intents through the admin API, as `npm run intents` does them, on a running
 * server and on both runtimes: upload labelled rows and train (`write`, audited), read the
 * stored model's report (`read`), go back to the built-in intents (`write`). Every process
 * serving the site swaps a new model in within seconds (intents/site-models.ts).
 *   PUT    /v1/admin/sites/:id/intents   text/csv (text,label) or JSON {"rows": [{"text", "label"}]}; ?ngrams-only=true: no embedding head
 *   GET    /v1/admin/sites/:id/intents
 *   DELETE /v1/admin/sites/:id/intents
 */
import type { Context, Hono } from 'hono';
import type { Deps } from '../core/deps';
import { checkRows, parseRowsCsv, RowsError, type LabelledRow } from '../intents/rows';
import { headEmbedder, trainAndStore } from '../intents/train-site';
import { adminCaller, requireScope } from './admin-auth';
import { limitUploads } from './admin-documents';

const uploadLimit = limitUploads('train from fewer rows, or use npm run intents -- train');

type Status = 400 | 404 | 415;
const fail = (c: Context, status: Status, code: string, message: string) => c.json({ error: { code, message } }, status);

export function mountAdminIntents(app: Hono, deps: Deps): void {
  const missing = async (c: Context) => ((await deps.db.sites.get(c.req.param('id')!)) ? null : fail(c, 404, 'unknown_site', `no site "${c.req.param('id')!.slice(0, 64)}"`));

  app.put('/v1/admin/sites/:id/intents', requireScope('write'), uploadLimit, async (c) => {
    const siteId = c.req.param('id');
    const none = await missing(c);
    if (none) return none;
    try {
      const given = await labelledRows(c);
      if ('status' in given) return fail(c, given.status, given.code, given.message);
      const { rows } = given;
      // The server's embedder trains the head its retrieval's query vectors feed (none on Workers' hashed vectors).
      const embedder = c.req.query('ngrams-only') === 'true' ? null : headEmbedder(deps.embedder);
      const { version, report } = await trainAndStore(deps, siteId, rows, { embedder });
      deps.siteIntents?.forget(siteId);
      const caller = adminCaller(c);
      await deps.db.audit.add({ siteId, actor: caller.actor, action: 'intents.trained', detail: { version, rows: rows.length, intents: report.intents.length, address: caller.address } });
      return c.json({ version, report });
    } catch (err) {
      if (err instanceof RowsError) return fail(c, 400, 'invalid_file', err.message);
      throw err;
    }
  });

  app.get('/v1/admin/sites/:id/intents', requireScope('read'), async (c) => {
    const none = await missing(c);
    if (none) return none;
    const stored = await deps.db.intents.get(c.req.param('id'));
    if (!stored) return fail(c, 404, 'no_model', 'the site has no intent model of its own: the built-in intents serve it');
    return c.json({ version: stored.version, trainedAt: stored.trainedAt.toISOString(), rows: stored.examples.length, report: stored.report });
  });

  app.delete('/v1/admin/sites/:id/intents', requireScope('write'), async (c) => {
    const siteId = c.req.param('id');
    const none = await missing(c);
    if (none) return none;
    if (!(await deps.db.intents.delete(siteId))) return fail(c, 404, 'no_model', 'the site has no intent model of its own');
    deps.siteIntents?.forget(siteId);
    const caller = adminCaller(c);
    await deps.db.audit.add({ siteId, actor: caller.actor, action: 'intents.deleted', detail: { address: caller.address } });
    return c.body(null, 204);
  });
}

async function labelledRows(c: Context): Promise<{ rows: LabelledRow[] } | { status: Status; code: string; message: string }> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('text/csv')) return { rows: parseRowsCsv(await c.req.text(), 'the CSV') };
  if (type.startsWith('application/json')) {
    const body = (await c.req.json().catch(() => undefined)) as { rows?: unknown } | undefined;
    if (!body || typeof body !== 'object' || !('rows' in body)) return { status: 400, code: 'invalid_message', message: 'send a JSON object: {"rows": [{"text": "…", "label": "…"}]}' };
    return { rows: checkRows(body.rows, 'rows') };
  }
  return { status: 415, code: 'unsupported_media_type', message: 'send text/csv with the columns text,label, or application/json {"rows": [{"text", "label"}]}' };
}
