/**
 * How an agent signs in to the inbox: email and password (bcrypt), then a session cookie that
 * is HttpOnly, SameSite=Lax and Secure outside localhost; the session itself is kept as a
 * SHA-256 of the cookie. Wrong passwords are counted per account and per address: past
 * either limit every attempt there gets 429 with retryAfter, even a right one, so guessing
 * gains nothing. An unknown email costs the same bcrypt comparison as a known one.
 * Writes under /agent take JSON only and refuse another site's Origin (CSRF).
 */
import bcrypt from 'bcryptjs';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Deps } from '../core/deps';
import type { AgentRow } from '../core/ports';
import { hashSecret, newSecret } from '../core/secrets';
import { notePresence } from '../inbox/presence';
import type { AddressOf } from './client-address';

export const AGENT_COOKIE = 'support_chat_agent';
const SESSION_HOURS = 12;
const FAILURE_WINDOW_S = 900;
const FAILURES_PER_ACCOUNT = 5;
const FAILURES_PER_ADDRESS = 20;
/**
 * Compared against when the email is unknown, so the answer takes as long either way. Made on
 * first use: a Worker may not draw random numbers at start-up (global scope).
 */
let nobody: Promise<string> | undefined;

const login = z.object({ email: z.string().trim().min(3).max(320), password: z.string().min(1).max(200) });
// By the request's context, as admin-auth.ts keeps its callers: a middleware may replace `c.req.raw`.
const agents = new WeakMap<Context, AgentRow>();

export function mountAgentAuth(app: Hono, deps: Deps, addressOf: AddressOf = () => undefined): void {
  app.use('/agent/*', sameSiteWrites);

  app.post('/agent/login', async (c) => {
    const body = login.safeParse(await c.req.json().catch(() => null));
    if (!body.success) return c.json({ error: { code: 'invalid_message', message: 'send {"email", "password"}' } }, 400);
    const address = addressOf(c) ?? 'unknown';
    const account = (await hashSecret(body.data.email.toLowerCase())).slice(0, 32);
    const keys = [`agent-fail:acct:${account}`, `agent-fail:addr:${address}`];
    const locked = await lockedFor(deps, keys);
    if (locked > 0) return tooMany(c, locked);
    const agent = await deps.db.agents.byEmail(body.data.email);
    const right = await bcrypt.compare(body.data.password, agent?.passwordHash ?? (await (nobody ??= bcrypt.hash('no such agent', 10))));
    if (!agent || !right || agent.disabledAt) {
      // The window admits one fewer than the limit: the failure that fills it locks, and from
      // the next attempt on, right or wrong, the account or address waits the window out.
      const waits = await Promise.all([
        deps.sessions.rateLimit(keys[0], FAILURES_PER_ACCOUNT - 1, FAILURE_WINDOW_S),
        deps.sessions.rateLimit(keys[1], FAILURES_PER_ADDRESS - 1, FAILURE_WINDOW_S),
      ]);
      const wait = Math.max(...waits);
      if (wait > 0) await Promise.all(keys.filter((_, i) => waits[i] > 0).map((k) => deps.sessions.cacheSet(`locked:${k}`, deps.clock.now() + wait * 1000, wait)));
      return c.json({ error: { code: 'unauthorized', message: 'wrong email or password' } }, 401);
    }
    const token = newSecret();
    await deps.db.agents.startSession({ hash: await hashSecret(token), agentId: agent.id, expiresAt: new Date(deps.clock.now() + SESSION_HOURS * 3600_000) });
    notePresence(deps, agent.id);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(new URL(c.req.url).hostname);
    setCookie(c, AGENT_COOKIE, token, { httpOnly: true, sameSite: 'Lax', secure: !local, path: '/', maxAge: SESSION_HOURS * 3600 });
    return c.json({ agent: { id: agent.id, name: agent.name, site: agent.siteId } });
  });

  app.post('/agent/logout', async (c) => {
    const token = getCookie(c, AGENT_COOKIE);
    if (token) await deps.db.agents.endSession(await hashSecret(token));
    deleteCookie(c, AGENT_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.get('/agent/me', requireAgent(deps), (c) => {
    const agent = signedInAgent(c);
    return c.json({ agent: { id: agent.id, name: agent.name, email: agent.email, site: agent.siteId } });
  });
}

/** The agent signed in with this request's cookie, if any. */
export async function agentOf(deps: Deps, c: Context): Promise<AgentRow | null> {
  const token = getCookie(c, AGENT_COOKIE);
  return token ? deps.db.agents.bySession(await hashSecret(token), new Date(deps.clock.now())) : null;
}

/** For inbox routes: a live session, else 401 `session_expired` (the inbox then shows its sign-in). */
export function requireAgent(deps: Deps): MiddlewareHandler {
  return async (c, next) => {
    const agent = await agentOf(deps, c);
    if (!agent) return c.json({ error: { code: 'session_expired', message: 'sign in again' } }, 401);
    agents.set(c, agent);
    notePresence(deps, agent.id);
    await next();
  };
}

export function signedInAgent(c: Context): AgentRow {
  const agent = agents.get(c);
  if (!agent) throw new Error('signedInAgent outside requireAgent');
  return agent;
}

/**
 * A write must come from the inbox's own pages: JSON (which a cross-site form cannot send
 * without a preflight this server never grants) and no Origin of another host.
 */
const sameSiteWrites: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
  const origin = c.req.header('origin');
  const fetchSite = c.req.header('sec-fetch-site');
  const json = /^application\/json\b/i.test(c.req.header('content-type') ?? '');
  const foreign = (origin !== undefined && originHost(origin) !== c.req.header('host')) || fetchSite === 'cross-site';
  if (foreign || (c.req.path !== '/agent/logout' && !json)) {
    return c.json({ error: { code: 'forbidden_origin', message: 'agent writes come from the inbox itself, as JSON' } }, 403);
  }
  await next();
};

/** The host an Origin header names; null for one that is not a URL ("null", garbage). */
export function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

async function lockedFor(deps: Deps, keys: string[]): Promise<number> {
  const until = await Promise.all(keys.map((k) => deps.sessions.cacheGet<number>(`locked:${k}`)));
  const latest = Math.max(0, ...until.map((u) => u ?? 0));
  return latest > deps.clock.now() ? Math.max(1, Math.ceil((latest - deps.clock.now()) / 1000)) : 0;
}

const tooMany = (c: Context, wait: number) =>
  c.json({ error: { code: 'rate_limited', message: `too many failed sign-ins; try again in ${wait} s`, retryAfter: wait } }, 429, { 'Retry-After': String(wait) });
