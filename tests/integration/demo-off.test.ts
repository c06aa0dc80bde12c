/** DEMO_DATA_DIR=off: a production server starts ready with no demo site in its database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeProcess, type NodeProcess } from '../helpers/node-process';

const ADMIN_TOKEN = 'demo-off-admin-token-0123';
let server: NodeProcess;
beforeAll(async () => {
  server = await startNodeProcess({ env: { DEMO_DATA_DIR: 'off', ADMIN_TOKEN, EMBEDDING_MODEL: 'local-hash-384' } });
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

describe('DEMO_DATA_DIR=off', () => {
  it('starts ready, with no demo site and no sample shop', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const sites = (await (await fetch(`${server.url}/v1/admin/sites`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { sites: { id: string }[] };
    expect(sites.sites.map((s) => s.id)).toEqual([]);
    expect(server.output()).not.toMatch(/demo data loaded/);
  });
});
