/**
 * The local Postgres gate (scripts/pg-gate.ts) in front of pglite-socket, driven by the Neon
 * driver through the WebSocket proxy, as the local Worker uses it. A failed query makes the
 * Neon pool drop its connection with Terminate; pglite-socket does not hang up on Terminate,
 * so the gate must, or that connection keeps its turn and every other client waits forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgGate, type PgGate } from '../../scripts/pg-gate';
import { startPgliteServer, type PgliteServer } from '../../scripts/local/pglite-server';
import { startWsProxy, type WsProxy } from '../../scripts/local/ws-proxy';
import { openNeon, type OpenedNeon } from '../../edge/stores/db/neon';
import { neonLocalOptions } from '../servers/neon-config';

let server: PgliteServer;
let gate: PgGate;
let proxy: WsProxy;
const pools: OpenedNeon[] = [];
const pool = () => {
  const p = openNeon(`postgres://postgres@127.0.0.1:${gate.port}/postgres`, neonLocalOptions(proxy));
  pools.push(p);
  return p;
};

beforeAll(async () => {
  server = await startPgliteServer();
  gate = await startPgGate(server.port, server.host);
  proxy = await startWsProxy();
});
afterAll(async () => {
  for (const p of pools) await p.close().catch(() => {});
  await proxy?.stop();
  await gate?.stop();
  await server?.stop();
});

describe('the Postgres gate in front of pglite-socket (Neon driver over the WebSocket proxy)', () => {
  it('serves the same pool and other pools after a query failed and its connection was dropped', async () => {
    const a = pool();
    // Postgres text cannot hold NUL: the server refuses the parameter, for real.
    await expect(a.sql.query('select $1::text as v', ['x\u0000'])).rejects.toThrow(/0x00/);
    expect((await a.sql.query<{ v: string }>('select $1::text as v', ['after'])).rows).toEqual([{ v: 'after' }]);
    expect((await pool().sql.query<{ n: number }>('select 2 as n')).rows).toEqual([{ n: 2 }]);
  });
});
