/**
 * Admin tokens with scopes, as an operator makes them (`npm run admin`, server stopped) and
 * uses them against the real Node server, with no ADMIN_TOKEN set: a read token reads but
 * cannot erase, an agent token can do neither, a write token erases and the audit log names it
 * and its address; a wrong token is refused, and a revoked one stops working.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../edge/stores/db/pglite';
import { runCli } from '../servers/cli';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';

const admin = (dir: string, ...args: string[]) => runCli('node', ['--import', 'tsx', 'edge/runtime/node/admin-cli.ts', ...args], 60_000, { DATA_DIR: join(dir, 'db') });
const tokenOf = (stdout: string) => /made: (adm_\S+)/.exec(stdout)![1];

let dir: string;
let server: TestServer;
const tokens: Record<'read' | 'write' | 'agent', string> = { read: '', write: '', agent: '' };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'admin-tokens-'));
  for (const [name, scopes] of [['read', ['read']], ['write', ['read', 'write']], ['agent', ['agent']]] as const) {
    const r = await admin(dir, 'token', 'create', ...scopes.flatMap((s) => ['--scope', s]), '--name', name);
    expect(r.code, r.stderr).toBe(0);
    tokens[name] = tokenOf(r.stdout);
  }
  server = await startTestServer({}, dir);
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = (path: string, token: string | null, method = 'GET') =>
  fetch(`${server.url}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('admin tokens with scopes (no ADMIN_TOKEN set)', () => {
  it('refuses a scope it does not know', async () => {
    const r = await admin(dir, 'token', 'create', '--scope', 'root');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown scope "root": scopes are read, write, agent/);
  });

  it('each token does what its scopes allow, and the audit log names who erased, from where', async () => {
    expect((await call('/v1/admin/stats', null)).status).toBe(404);
    expect((await call('/v1/admin/stats', 'adm_not_a_token')).status).toBe(401);
    expect((await call('/v1/admin/stats', tokens.read)).status).toBe(200);
    expect((await call('/v1/admin/stats', tokens.agent)).status).toBe(403);

    const ws = await TestSocket.open(server.wsUrl());
    const { session } = await ws.hello();
    await ws.ask('q1', 'How long do I have to return an item?');
    ws.close();
    expect((await call(`/v1/admin/visitors/${session}/export`, tokens.read)).status).toBe(200);
    // Staff read a conversation's history without its resume secret; without the scope, not.
    expect((await call(`/v1/sessions/${session}`, tokens.read)).status).toBe(200);
    expect((await call(`/v1/sessions/${session}`, tokens.agent)).status).toBe(404);
    expect((await call(`/v1/sessions/${session}`, null)).status).toBe(404);
    const refused = await call(`/v1/admin/visitors/${session}`, tokens.read, 'DELETE');
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: 'forbidden_scope', message: 'this token does not have the "write" scope' });
    expect((await call(`/v1/admin/visitors/${session}`, tokens.agent, 'DELETE')).status).toBe(403);
    expect((await call(`/v1/admin/visitors/${session}/export`, tokens.read)).status).toBe(200);
    expect((await call(`/v1/admin/visitors/${session}`, tokens.write, 'DELETE')).status).toBe(204);
    expect((await call(`/v1/admin/visitors/${session}/export`, tokens.read)).status).toBe(404);

    await server.close();
    const writeId = /^adm_(.{12})_/.exec(tokens.write)![1];
    const { pg, db } = await openPglite(join(dir, 'db'));
    try {
      const rows = (await pg.query<{ actor: string; detail: { address?: string } }>(`select actor, detail from audit_log where action = 'visitor.erased'`)).rows;
      expect(rows).toEqual([{ actor: `token:${writeId}`, detail: expect.objectContaining({ address: '127.0.0.1' }) }]);
    } finally {
      await db.close();
    }
  });

  it('a revoked token stops working; list shows it revoked', async () => {
    const readId = /^adm_(.{12})_/.exec(tokens.read)![1];
    const r = await admin(dir, 'token', 'revoke', readId);
    expect(r.code, r.stderr).toBe(0);
    expect((await admin(dir, 'token', 'revoke', readId)).code).toBe(1);
    expect((await admin(dir, 'token', 'list')).stdout).toMatch(new RegExp(`${readId}\\tread\\tread\\t\\S+\\trevoked`));
    server = await startTestServer({}, dir);
    expect((await call('/v1/admin/stats', tokens.read)).status).toBe(401);
    expect((await call('/v1/admin/stats', tokens.write)).status).toBe(200);
    // Three runs of the CLI (each a process opening the database) and a server start: under a
    // loaded machine that is well over the default 30 s, as beforeAll's own budget says.
  }, 120_000);
});
