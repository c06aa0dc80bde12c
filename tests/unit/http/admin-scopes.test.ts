/**
 * Admin scopes, unit by unit: which caller a bearer names (ADMIN_TOKEN has every scope, a stored
 * token its own, a revoked or unknown one none), and what `requireScope` lets through on a real
 * Hono app: each scope its routes only, 403 `forbidden_scope` naming the scope otherwise.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AdminScope, AdminTokenRow, Db } from '../../../edge/core/ports';
import type { Deps } from '../../../edge/core/deps';
import { hashSecret } from '../../../edge/core/secrets';
import { adminAuth, callerOf, requireScope } from '../../../edge/http/admin-auth';
import { MemorySessionStore } from '../../../edge/stores/memory/session-store';

const stored = new Map<string, AdminTokenRow>();
async function token(id: string, scopes: AdminScope[]): Promise<string> {
  const value = `adm_${id.padEnd(12, 'x')}_secretpart`;
  stored.set(await hashSecret(value), { id, name: id, scopes, createdAt: new Date() });
  return value;
}
const db = { adminTokens: { byHash: async (hash: string) => stored.get(hash) ?? null } } as unknown as Db;
const deps = (adminToken?: string) =>
  ({ db, sessions: new MemorySessionStore({ clock: { now: () => Date.now() } }), clock: { now: () => Date.now() }, settings: { adminToken } }) as unknown as Deps;

describe('admin callers', () => {
  it('ADMIN_TOKEN has every scope; a stored token its own; anything else no one', async () => {
    const reader = await token('reader', ['read']);
    expect([...(await callerOf(deps('bootstrap-token-0123'), 'bootstrap-token-0123', '1.2.3.4'))!.scopes].sort()).toEqual(['agent', 'read', 'write']);
    expect(await callerOf(deps('bootstrap-token-0123'), reader, '1.2.3.4')).toMatchObject({ actor: 'token:reader' });
    expect([...(await callerOf(deps(), reader, '1.2.3.4'))!.scopes]).toEqual(['read']);
    expect(await callerOf(deps(), 'adm_unknownxxxxx_nope', '1.2.3.4')).toBeNull();
    // Without ADMIN_TOKEN set, no other bearer is compared against it.
    expect(await callerOf(deps(), 'bootstrap-token-0123', '1.2.3.4')).toBeNull();
  });
});

describe('requireScope', () => {
  it('lets each scope through to its routes only', async () => {
    const app = new Hono();
    app.use('/v1/admin/*', adminAuth(deps(), () => '203.0.113.9'));
    for (const scope of ['read', 'write', 'agent'] as const) app.get(`/v1/admin/${scope}`, requireScope(scope), (c) => c.text(scope));
    const tokens = { reader: await token('r2', ['read']), writer: await token('w2', ['read', 'write']), agent: await token('a2', ['agent']) };
    const call = (path: string, bearer: string) => app.request(path, { headers: { authorization: `Bearer ${bearer}` } });
    const allowed = async (bearer: string) => {
      const out: string[] = [];
      for (const scope of ['read', 'write', 'agent']) if ((await call(`/v1/admin/${scope}`, bearer)).status === 200) out.push(scope);
      return out;
    };
    expect(await allowed(tokens.reader)).toEqual(['read']);
    expect(await allowed(tokens.writer)).toEqual(['read', 'write']);
    expect(await allowed(tokens.agent)).toEqual(['agent']);
    const refused = await call('/v1/admin/write', tokens.reader);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { code: 'forbidden_scope', message: 'this token does not have the "write" scope' } });
    // Without ADMIN_TOKEN, the API answers a bearer that is no stored token as if it were not there.
    expect((await call('/v1/admin/read', 'not-a-token')).status).toBe(404);
    expect((await call('/v1/admin/read', 'adm_unknownxxxxx_nope')).status).toBe(401);
  });
});
