/**
 * A site's documents through the admin API, ingested by the running server (no CLI, no
 * restart, on both runtimes): list them (`read`); upload a file or JSON rows, delete one,
 * re-embed them all (`write`, audited). An upload runs the CLI's pipeline (ingest/upload.ts)
 * with this server's embedder and vector store, is idempotent by content hash, and writes
 * nothing unless the whole file parses and embeds.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../core/deps';
import { IndexMismatchError, type DocumentListItem, type DocumentRow } from '../core/ports';
import { BadCursor, pageOf, pageRequest, type PageRequest } from '../core/pagination';
import { dropOriginals, fileOfSource, keptOriginals } from '../ingest/originals';
import { reembedSite } from '../ingest/reembed-site';
import { forgetAnswers } from '../pipeline/cache';
import { FileFormatError, type Parser } from '../ingest/types';
import { parseJson } from '../ingest/parse/json';
import { ingestUpload, ParserUnavailable, UnsupportedFile, uploadParser } from '../ingest/upload';
import { adminCaller, requireScope } from './admin-auth';
import { drain } from './body-limit';

/** The largest upload, file or JSON: a help centre's page or a catalogue, not a data dump. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
/** A document's source names where it came from; the same source again replaces it. */
const SOURCE = /^[^\u0000-\u001f\u007f]{1,300}$/;

type Status = 400 | 404 | 409 | 413 | 415 | 501 | 503;
const fail = (c: Context, status: Status, code: string, message: string) => c.json({ error: { code, message } }, status);
const missingSite = (c: Context, id: string) => fail(c, 404, 'unknown_site', `no site "${id.slice(0, 64)}"`);

/** Refuses an upload over MAX_UPLOAD_BYTES with a 413 that says what to do instead (`hint`). */
export const limitUploads = (hint: string) =>
  bodyLimit({
    maxSize: MAX_UPLOAD_BYTES,
    onError: async (c) => {
      // Read to the end (up to a point): answered mid-upload, the client sees a reset, not this 413.
      await drain(c.req.raw.body, 32 << 20);
      return fail(c, 413, 'too_large', `an upload may be at most ${MAX_UPLOAD_BYTES / (1024 * 1024)} MB; ${hint}`);
    },
  });
const uploadLimit = limitUploads('split the file, or use npm run ingest');

const shown = (d: DocumentListItem) => ({
  id: d.id,
  source: d.source,
  kind: d.kind,
  title: d.title,
  url: d.url,
  hash: d.hash,
  chunks: d.chunks,
  updatedAt: d.updatedAt.toISOString(),
});

export function mountAdminDocuments(app: Hono, deps: Deps): void {
  const audit = (c: Context, siteId: string, action: string, detail: Record<string, unknown>) => {
    const caller = adminCaller(c);
    return deps.db.audit.add({ siteId, actor: caller.actor, action, detail: { ...detail, address: caller.address } });
  };
  const site = async (c: Context) => (await deps.db.sites.get(c.req.param('id')!)) !== null;

  app.get('/v1/admin/sites/:id/documents', requireScope('read'), async (c) => {
    const siteId = c.req.param('id');
    let page: PageRequest;
    try {
      page = pageRequest({ limit: c.req.query('limit'), cursor: c.req.query('cursor') });
    } catch (err) {
      if (err instanceof BadCursor) return fail(c, 400, 'invalid_message', err.message);
      throw err;
    }
    if (!(await site(c))) return missingSite(c, siteId);
    const rows = await deps.db.documents.page(siteId, page.limit + 1, page.after);
    const { items, next } = pageOf(rows, page.limit, (d) => ({ key: d.source, id: d.id }));
    return c.json({ items: items.map(shown), next });
  });

  app.post('/v1/admin/sites/:id/documents', requireScope('write'), uploadLimit, async (c) => {
    const siteId = c.req.param('id');
    if (!(await site(c))) return missingSite(c, siteId);
    const given = await uploaded(c);
    if ('status' in given) return fail(c, given.status, given.code, given.message);
    if (deps.vectors.unavailable) {
      return fail(c, 503, 'unavailable', `the vector index is not available (${deps.vectors.unavailable.message}); nothing was stored`);
    }
    try {
      const summary = await ingestUpload(deps, siteId, given);
      if (!summary.unchanged) await forgetAnswers(deps, siteId);
      await audit(c, siteId, 'documents.uploaded', { source: summary.source, unchanged: summary.unchanged, documents: summary.documents, chunks: summary.chunks });
      return c.json(summary, summary.documents.added > 0 ? 201 : 200);
    } catch (err) {
      if (err instanceof FileFormatError) return fail(c, 400, 'invalid_file', err.message);
      if (err instanceof IndexMismatchError) return fail(c, 409, 'conflict', err.message);
      throw err;
    }
  });

  app.delete('/v1/admin/sites/:id/documents/:docId', requireScope('write'), async (c) => {
    const siteId = c.req.param('id');
    if (!(await site(c))) return missingSite(c, siteId);
    const doc = await deps.db.documents.byId(siteId, c.req.param('docId'));
    if (!doc) return fail(c, 404, 'not_found', `site "${siteId}" has no document "${c.req.param('docId').slice(0, 64)}"`);
    // Vectors first, as the CLI removes them: a document whose row outlived its vectors is still found by text.
    await deps.vectors.deleteByDocuments([doc.id]);
    await deps.db.documents.delete([doc.id]);
    await forgetAnswers(deps, siteId);
    const product = doc.kind === 'product' ? await dropProduct(deps, doc) : null;
    const notDropped = await dropOriginalIfLast(deps, doc);
    await audit(c, siteId, 'document.deleted', { document: doc.id, source: doc.source, ...(product ? { product } : {}) });
    return c.json({ deleted: { id: doc.id, source: doc.source, ...(product ? { product } : {}) }, ...(notDropped ? { warnings: [notDropped] } : {}) });
  });

  app.post('/v1/admin/sites/:id/documents/reembed', requireScope('write'), async (c) => {
    const siteId = c.req.param('id');
    if (!(await site(c))) return missingSite(c, siteId);
    if (deps.vectors.unavailable) return fail(c, 503, 'unavailable', `the vector index is not available (${deps.vectors.unavailable.message})`);
    try {
      const summary = await reembedSite(deps, siteId);
      await forgetAnswers(deps, siteId);
      await audit(c, siteId, 'documents.reembedded', { model: summary.model, documents: summary.documents, chunks: summary.chunks });
      return c.json(summary);
    } catch (err) {
      if (err instanceof IndexMismatchError) return fail(c, 409, 'conflict', err.message);
      throw err;
    }
  });
}

type Upload = { source: string; content: string; parser: Parser };
type Refusal = { status: Status; code: string; message: string };
const refuse = (status: Status, code: string, message: string): Refusal => ({ status, code, message });

/** The upload as a file (multipart `file`, optional `source`) or as JSON rows (`source` and faqs/products/orders). */
async function uploaded(c: Context): Promise<Upload | Refusal> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.formData().catch(() => null);
    if (!form) return refuse(400, 'invalid_message', 'the multipart body could not be read');
    const file = form.get('file');
    if (!file || typeof file === 'string') return refuse(400, 'invalid_message', 'send the file as the multipart field "file"');
    const name = (file as File).name ?? '';
    const named = form.get('source');
    const source = (typeof named === 'string' && named.trim() ? named : name).trim();
    if (!SOURCE.test(source)) return refuse(400, 'invalid_message', '"source" (or the file\'s name) must be 1 to 300 characters, without control characters');
    let parser: Parser;
    try {
      // The format by the file's extension, else the source's (a file sent without a name).
      parser = await uploadParser(/\.[^./\\]+$/.test(name) ? name : source);
    } catch (err) {
      if (err instanceof UnsupportedFile) return refuse(400, 'invalid_file', err.message);
      if (err instanceof ParserUnavailable) return refuse(501, 'not_implemented', err.message);
      throw err;
    }
    return { source, content: await (file as File).text(), parser };
  }
  if (type.startsWith('application/json')) {
    const body = (await c.req.json().catch(() => undefined)) as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return refuse(400, 'invalid_message', 'send a JSON object: {"source": "…", "faqs": […], "products": […], "orders": […]}');
    }
    const { source, ...rows } = body as { source?: unknown };
    if (typeof source !== 'string' || !SOURCE.test(source.trim())) {
      return refuse(400, 'invalid_message', '"source" must name the rows (1 to 300 characters): uploading the same source again replaces them');
    }
    return { source: source.trim(), content: JSON.stringify(rows), parser: (s, text) => parseJson(s, text) };
  }
  return refuse(415, 'unsupported_media_type', 'send multipart/form-data with a "file" field, or application/json rows');
}

/**
 * The file's last document gone: its original goes too (a rebuild would bring it back). A file
 * named with a `#` is told from a row of a file by the originals the store holds: when they
 * cannot be listed, the file is not known for sure and its original stays. A warning, or null.
 */
async function dropOriginalIfLast(deps: Deps, doc: DocumentRow): Promise<string | null> {
  if (!deps.objects) return null;
  let kept: Set<string>;
  try {
    kept = await keptOriginals(deps.objects, doc.siteId);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    deps.log.warn('originals not listed; the deleted document\'s original is kept', { site: doc.siteId, source: doc.source, store: deps.objects.name, error: why });
    return `the originals in ${deps.objects.name} could not be listed (${why}): the original of "${doc.source}" was left there; delete it by hand once its file has no documents left`;
  }
  const file = fileOfSource(doc.source, kept);
  const left = (await deps.db.documents.list(doc.siteId)).some((d) => fileOfSource(d.source, kept) === file);
  return left ? null : dropOriginals(deps.objects, doc.siteId, [file], deps.log);
}

/** A product's document gone: its catalogue row goes too (source "file#SKU"), so its price is not quoted. */
async function dropProduct(deps: Deps, doc: DocumentRow): Promise<string | null> {
  for (let i = doc.source.indexOf('#'); i >= 0; i = doc.source.indexOf('#', i + 1)) {
    const sku = doc.source.slice(i + 1);
    if (sku && (await deps.db.products.get(doc.siteId, sku))) {
      await deps.db.products.delete(doc.siteId, [sku]);
      return sku;
    }
  }
  return null;
}
