/**
 * Sites through the admin API on the running Node server: made, read, changed and re-keyed
 * without SQL or a restart, each change in force for the next connection, every write audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const ADMIN = 'admin-token-0123456789';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ADMIN_TOKEN: ADMIN });
}, 60_000);
afterAll(async () => {
  await server?.destroy();
});

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${server.url}/v1/admin${path}`, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
const errorOf = async (res: Response) => ((await res.json()) as { error: { message: string } }).error.message;
const connect = async (key: string, origin: string) => {
  const s = await TestSocket.open(`${server.wsUrl('acme')}&key=${key}`, { origin });
  s.send({ type: 'hello', v: 1 });
  const first = await Promise.race([s.next('ready').then(() => 'ready'), s.next('error').then((e) => e.code)]);
  s.close();
  return first;
};

describe('sites through the admin API (Node server)', () => {
  it('makes a site with its keys (the secret shown once), normalizing origins and checking settings', async () => {
    const made = await api('POST', '/sites', { id: 'acme', origins: ['https://acme.example/'], settings: { retentionDays: 30 } });
    expect(made.status).toBe(201);
    const body = (await made.json()) as { site: { publicKey: string; allowedOrigins: string[]; settings: unknown }; secretKey: string };
    expect(body.site).toMatchObject({ allowedOrigins: ['https://acme.example'], settings: { requireKey: true, retentionDays: 30 } });
    expect(body.site.publicKey).toMatch(/^pk_/);
    expect(body.secretKey).toMatch(/^sk_/);

    expect((await api('POST', '/sites', { id: 'acme' })).status).toBe(409);
    expect(await errorOf(await api('POST', '/sites', { id: 'x', origins: ['https://x.example/shop'] }))).toMatch(/an origin has no path; did you mean https:\/\/x\.example\?/);
    expect(await errorOf(await api('POST', '/sites', { id: 'x', settings: { colour: 'red' } }))).toBe('unknown setting "colour"');
    expect(await errorOf(await api('POST', '/sites', { id: 'x', settings: { retentionDays: 0 } }))).toMatch(/retentionDays/);
    expect((await api('POST', '/sites', { id: 'no spaces' })).status).toBe(400);

    const list = (await (await api('GET', '/sites')).json()) as { sites: Record<string, unknown>[] };
    expect(list.sites.map((s) => s.id)).toEqual(expect.arrayContaining(['acme', 'demo']));
    expect(JSON.stringify(list)).not.toContain('sk_');
    expect((await api('GET', '/sites/nope')).status).toBe(404);
  });

  it('a change is in force for the next connection: a new origin, settings unset, keys rotated', async () => {
    const { site } = (await (await api('GET', '/sites/acme')).json()) as { site: { publicKey: string } };
    expect(await connect(site.publicKey, 'http://localhost:5173')).toBe('forbidden_origin');
    const patched = await api('PATCH', '/sites/acme', { addOrigins: ['http://localhost:5173'], settings: { retentionDays: null, eraseOnReset: true } });
    expect(patched.status).toBe(200);
    expect((await patched.json()).site).toMatchObject({ allowedOrigins: ['https://acme.example', 'http://localhost:5173'], settings: { requireKey: true, eraseOnReset: true } });
    expect(await connect(site.publicKey, 'http://localhost:5173')).toBe('ready');

    const rotated = (await (await api('POST', '/sites/acme/keys', { rotate: 'public' })).json()) as { publicKey: string; secretKey?: string };
    expect(rotated.secretKey).toBeUndefined();
    expect(await connect(site.publicKey, 'https://acme.example')).toBe('unauthorized');
    expect(await connect(rotated.publicKey, 'https://acme.example')).toBe('ready');
  });

  it('deletes a site with its conversations and agents; the rest of the server carries on', async () => {
    const made = (await (await api('POST', '/sites', { id: 'gone', origins: ['*'], settings: { requireKey: false } })).json()) as { secretKey: string };
    expect(made.secretKey).toMatch(/^sk_/);
    expect((await api('POST', '/agents', { site: 'gone', email: 'pat@gone.example', name: 'Pat', password: 'pats long password' })).status).toBe(201);
    const s = await TestSocket.open(server.wsUrl('gone'));
    const ready = await s.hello();
    await s.ask('g1', 'hello');
    s.close();

    const deleted = await api('DELETE', '/sites/gone');
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted: { conversations: 1, documents: 0 } });
    expect((await api('GET', '/sites/gone')).status).toBe(404);
    expect((await api('DELETE', '/sites/gone')).status).toBe(404);
    expect((await api('GET', `/visitors/${ready.session}/export`)).status).toBe(404);
    const signIn = await fetch(`${server.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'pat@gone.example', password: 'pats long password' }) });
    expect(signIn.status).toBe(401);
    // Refused as a site that does not exist; the demo still answers.
    const again = await TestSocket.open(server.wsUrl('gone'));
    expect((await again.next('error')).code).toBe('unknown_site');
    const demo = await TestSocket.open(server.wsUrl('demo'));
    await demo.hello();
    expect((await demo.ask('d1', 'How long does shipping take?')).text).toMatch(/business days/);
    demo.close();
  });
});
