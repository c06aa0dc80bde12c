/**
 * Agents sign in to the inbox (the real Node server, agents made through the admin API): the
 * session cookie's flags, a session that ends (sign-out, expiry, a disabled agent), wrong
 * passwords limited per account and per address (a locked account refuses even the right
 * password), and writes from another site's page refused (CSRF).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../servers/cli';
import { openPglite } from '../../edge/stores/db/pglite';
import { startTestServer, type TestServer } from '../helpers/server';

const ADMIN = 'admin-token-0123456789';
let server: TestServer;
beforeAll(async () => {
  // A second site, made as an operator does, for an agent who must not see the demo's conversations.
  const dir = mkdtempSync(join(tmpdir(), 'agents-'));
  const made = await runCli('node', ['--import', 'tsx', 'edge/runtime/node/site-cli.ts', 'create', 'other', '--origin', '*', '--no-require-key'], 60_000, { DATA_DIR: join(dir, 'db') });
  expect(made.code, made.stderr).toBe(0);
  server = await startTestServer({ ADMIN_TOKEN: ADMIN, TRUST_PROXY: '1' }, dir);
}, 90_000);
afterAll(async () => {
  await server?.destroy();
});

const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
const makeAgent = (body: Record<string, unknown>) =>
  fetch(url('/v1/admin/agents'), { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const signIn = (email: string, password: string, from = '198.51.100.7', headers: Record<string, string> = {}) =>
  fetch(url('/agent/login'), { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from, ...headers }, body: JSON.stringify({ email, password }) });
const me = (cookie: string) => fetch(url('/agent/me'), { headers: { cookie } });
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0];

describe('agents sign in to the inbox (Node server)', () => {
  it('an admin makes an agent; the agent signs in with an HttpOnly, SameSite=Lax session cookie, and out again', async () => {
    const made = await makeAgent({ site: 'demo', email: 'Alex@Juniper.example', name: 'Alex', password: 'correct horse battery' });
    expect(made.status).toBe(201);
    expect((await makeAgent({ site: 'demo', email: 'alex@juniper.example', name: 'Again', password: 'another long one' })).status).toBe(409);
    expect((await makeAgent({ site: 'nope', email: 'x@juniper.example', name: 'X', password: 'long enough pw' })).status).toBe(404);
    expect((await (await makeAgent({ site: 'demo', email: 'y@juniper.example', name: 'Y', password: 'short' })).json()).error.message).toMatch(/password.*at least 10/);

    const res = await signIn('alex@juniper.example', 'correct horse battery');
    expect(res.status).toBe(200);
    expect((await res.json()).agent).toMatchObject({ name: 'Alex', site: 'demo' });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/); // on localhost only: a real host gets Secure
    const cookie = cookieOf(res);
    expect((await me(cookie)).status).toBe(200);

    // The agent reads a conversation of their site without its secret; an agent of another site cannot.
    const chat = await fetch(url('/v1/chat'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', id: 'q1', text: 'Do you ship internationally?' }) });
    const { session } = (await chat.json()) as { session: string };
    expect((await fetch(url(`/v1/sessions/${session}`), { headers: { cookie } })).status).toBe(200);
    expect((await fetch(url(`/v1/sessions/${session}`))).status).toBe(404);
    expect((await makeAgent({ site: 'other', email: 'oz@elsewhere.example', name: 'Oz', password: 'oz long password' })).status).toBe(201);
    const oz = cookieOf(await signIn('oz@elsewhere.example', 'oz long password', '198.51.100.8'));
    expect((await fetch(url(`/v1/sessions/${session}`), { headers: { cookie: oz } })).status).toBe(404);

    // Sign-out from another site's page is refused; from the inbox it ends the session.
    expect((await fetch(url('/agent/logout'), { method: 'POST', headers: { cookie, origin: 'https://evil.example' } })).status).toBe(403);
    expect((await me(cookie)).status).toBe(200);
    expect((await fetch(url('/agent/logout'), { method: 'POST', headers: { cookie } })).status).toBe(204);
    expect((await (await me(cookie)).json()).error.code).toBe('session_expired');
  });

  it('an expired session and a disabled agent are signed out', async () => {
    const made = (await (await makeAgent({ site: 'demo', email: 'sam@juniper.example', name: 'Sam', password: 'another long password' })).json()).agent;
    const cookie = cookieOf(await signIn('sam@juniper.example', 'another long password'));
    expect((await me(cookie)).status).toBe(200);
    const disabled = await fetch(url(`/v1/admin/agents/${made.id}/disable`), { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(disabled.status).toBe(204);
    expect((await me(cookie)).status).toBe(401);
    expect((await signIn('sam@juniper.example', 'another long password')).status).toBe(401);

    // Expiry: the server restarted on the same data with the session's end moved to the past.
    const kim = await makeAgent({ site: 'demo', email: 'kim@juniper.example', name: 'Kim', password: 'kims long password' });
    expect(kim.status).toBe(201);
    const kept = cookieOf(await signIn('kim@juniper.example', 'kims long password'));
    await server.close();
    const { pg, db } = await openPglite(`${server.dataDir}/db`);
    await pg.query(`update agent_sessions set expires_at = now() - interval '1 minute'`);
    await db.close();
    server = await server.restart();
    const expired = await me(kept);
    expect(expired.status).toBe(401);
    expect((await expired.json()).error.code).toBe('session_expired');
  });

  it('wrong passwords: five lock the account (even against the right one), from any address; twenty lock an address', async () => {
    expect((await makeAgent({ site: 'demo', email: 'lee@juniper.example', name: 'Lee', password: 'lees right password' })).status).toBe(201);
    for (let i = 0; i < 5; i++) {
      const r = await signIn('lee@juniper.example', `guess ${i}`, `203.0.113.${i + 1}`);
      expect(r.status).toBe(401);
      expect((await r.json()).error.message).toBe('wrong email or password');
    }
    const locked = await signIn('lee@juniper.example', 'lees right password', '203.0.113.99');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);

    // One address trying many accounts (unknown ones answer exactly like wrong passwords).
    for (let i = 0; i < 20; i++) expect((await signIn(`nobody${i}@juniper.example`, 'x', '192.0.2.50')).status).toBe(401);
    expect((await signIn('kim@juniper.example', 'kims long password', '192.0.2.50')).status).toBe(429);
    // Another address is not held by that one.
    expect((await signIn('kim@juniper.example', 'kims long password', '192.0.2.51')).status).toBe(200);
  });

  it('refuses a sign-in posted as a form or from another site (CSRF)', async () => {
    const form = await fetch(url('/agent/login'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=kim%40juniper.example&password=kims+long+password' });
    expect(form.status).toBe(403);
    expect((await signIn('kim@juniper.example', 'kims long password', '192.0.2.52', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await signIn('kim@juniper.example', 'kims long password', '192.0.2.52', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });
});
