/**
 * The Worker's front door. Static files (the demo, the SDK) never get here: wrangler's
 * `[assets]` serves them first. A conversation's socket and its POST /v1/chat go to the
 * conversation's Durable Object, chosen by the conversation id; everything else is the same
 * Hono app as on Node, over this request's own Postgres connection.
 */
import { Hono } from 'hono';
import { createApp } from '../../app';
import { ConfigError } from '../../config/load';
import { refuseSocket } from '../../conversation/socket';
import type { Deps } from '../../core/deps';
import { frameSizedBody } from '../../http/body-limit';
import { siteCors } from '../../http/cors';
import { securityHeaders } from '../../http/security-headers';
import { answerErrors, INTERNAL_ERROR } from '../../http/internal-error';
import { checkSite } from '../../http/site-access';
import { secretMatches } from '../../core/secrets';
import type { ErrorReporter } from '../../ops/errors';
import { ADDRESS_HEADER, SESSION_HEADER, SITE_HEADER } from './internal';
import { eraseInObject } from './erase';
import { mountAgentSocketRoute, ticketWritesVia } from './agent-routes';
import type { OpenedNeon } from '../../stores/db/neon';
import { connectNeon, depsOver, isolateParts, type IsolateParts, type WorkerEnv } from './deps';
import { upgradeResponse, webSocketPair, type ExecutionContext } from './platform';
import { reporterFor } from './reporting';
import { socketHandle } from './sockets';

export async function handleFetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
  let parts: IsolateParts;
  try {
    parts = isolateParts(env);
  } catch (err) {
    // Said in the log (every problem by name), not to the visitor.
    console.error(err instanceof ConfigError ? err.message : `could not start: ${String(err)}`);
    return Response.json({ error: { code: 'unavailable', message: 'the server is not configured yet' } }, { status: 503 });
  }
  const reporter = reporterFor(parts.config.SENTRY_DSN, ctx, request);
  // Opened lazily on first query: a route that needs no database (health, refusals) opens none.
  let neon: OpenedNeon | null = null;
  const deps = depsOver(parts, reporter, () => (neon ??= connectNeon(parts)));
  try {
    return await workerApp(deps, env, reporter).fetch(request);
  } catch (err) {
    reporter.capture(err, { stage: 'worker.fetch', request: { method: request.method, url: request.url } });
    parts.base.log.error('request failed', { path: new URL(request.url).pathname, error: String(err) });
    return Response.json(INTERNAL_ERROR, { status: 500 });
  } finally {
    // Responses the Worker streams itself use no database: the socket and the SSE stream are the object's.
    if (neon) ctx.waitUntil((neon as OpenedNeon).close());
    if (parts.tracing) ctx.waitUntil(parts.tracing.flush());
  }
}

function workerApp(deps: Deps, env: WorkerEnv, reporter: ErrorReporter): Hono {
  const root = new Hono();
  answerErrors(root, deps.log, { reporter, stage: 'worker.http' });
  root.use('*', securityHeaders);

  root.get('/v1/ws', async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      return c.json({ error: { code: 'invalid_message', message: 'this endpoint speaks WebSocket only' } }, 426);
    }
    const check = await checkSite(deps.db, c.req.query('site'), foreignOrigin(c.req.raw), { key: c.req.query('key'), authorization: c.req.header('authorization') });
    if (!check.ok) {
      // As on Node: the socket opens, says why in an error frame, and closes with a code not to retry.
      const { client, server } = webSocketPair();
      server.accept();
      refuseSocket(socketHandle(server), check);
      return upgradeResponse(client);
    }
    const session = await conversationFor(deps, check.site.id, c.req.query('session'), 'in-hello');
    return toConversation(env, session, check.site.id, c.req.raw);
  });

  // The same headers the app sets, for the routes answered before it.
  root.use('/v1/*', siteCors(deps.db, () => deps.clock.now()));
  root.post('/v1/chat', frameSizedBody, async (c, next) => {
    const raw = await c.req.text();
    const body = parseObject(raw);
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const check = await checkSite(deps.db, str(body?.site), foreignOrigin(c.req.raw), { key: str(body?.key), authorization: c.req.header('authorization') });
    // Anything refused is refused by the app's own handler below, with its own words.
    if (!check.ok) return next();
    const session = await conversationFor(deps, check.site.id, str(body?.session), str(body?.resume));
    const res = await toConversation(env, session, check.site.id, new Request(c.req.url, { method: 'POST', headers: c.req.raw.headers, body: raw }));
    return new Response(res.body, res); // headers of a fetched response are immutable
  });

  mountAgentSocketRoute(root, deps, env);
  root.route('/', createApp(deps, { clientAddress: (c) => c.req.header('cf-connecting-ip'), eraseConversation: eraseInObject(env), ticketWrites: ticketWritesVia(env) }).app);
  return root;
}

/**
 * The conversation a socket or request belongs to: the one asked for when it exists on this
 * site, else a new id (the Durable Object of that name creates it on hello). A
 * session of another site must not route there. A request shows its resume secret here; a
 * socket shows it in its hello, which that conversation's object checks.
 */
async function conversationFor(deps: Deps, siteId: string, asked: string | undefined, resume: string | undefined | 'in-hello'): Promise<string> {
  if (asked && asked.length <= 128) {
    const conversation = await deps.db.conversations.get(asked);
    const shown = resume === 'in-hello' || (await secretMatches(resume, conversation?.resumeHash ?? null));
    if (conversation?.siteId === siteId && shown) return asked;
    // Not in the database yet: said hello to, no message (conversation/pending.ts). Only its
    // object knows it and checks the secret; an id nobody holds gets an empty object there.
    if (!conversation && PENDING_ID.test(asked)) return asked;
  }
  return deps.newId('s');
}

/** What randomId('s') makes: nothing else is routed to an object by a client's word. */
const PENDING_ID = /^s_[A-Za-z0-9_-]{22}$/;

function toConversation(env: WorkerEnv, session: string, siteId: string, request: Request): Promise<Response> {
  const headers = new Headers(request.headers);
  // Checked here already; the object's own check must not refuse this Worker's pages.
  if (!foreignOrigin(request)) headers.delete('origin');
  headers.set(SESSION_HEADER, session);
  headers.set(SITE_HEADER, siteId);
  // Set by Cloudflare's edge for every request; a client cannot choose it there.
  const address = request.headers.get('cf-connecting-ip');
  if (address) headers.set(ADDRESS_HEADER, address);
  else headers.delete(ADDRESS_HEADER);
  const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(session));
  return stub.fetch(new Request(request, { headers }));
}

/**
 * The Origin a site's allowed origins are checked against: none for this Worker's own pages
 * (the demo it serves from its assets), which are the operator's, on any hostname it runs on.
 */
function foreignOrigin(request: Request): string | undefined {
  const origin = request.headers.get('origin') ?? undefined;
  return origin === new URL(request.url).origin ? undefined : origin;
}

function parseObject(raw: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
