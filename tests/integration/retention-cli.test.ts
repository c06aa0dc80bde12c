/**
 * npm run retention on the embedded database, as an operator runs it with the server stopped:
 * conversations idle longer than the period are erased (messages and tickets with them, the
 * audit trail pseudonymized), recent ones stay; without a period it says how to give one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../edge/stores/db/pglite';
import { runCli } from '../servers/cli';

const retention = (env: Record<string, string>, ...args: string[]) => runCli('node', ['--import', 'tsx', 'edge/runtime/node/retention-cli.ts', ...args], 60_000, env);

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'retention-'));
  const { pg, db } = await openPglite(join(dir, 'db'));
  await db.sites.upsert({ id: 'shop', name: 'Shop', allowedOrigins: [] });
  for (const id of ['s_old', 's_new']) {
    await db.conversations.create({ id, siteId: 'shop' });
    await db.messages.add({ id: `m_${id}`, conversationId: id, role: 'user', clientId: 'q1', replyTo: null, text: 'my email is a@b.example', intent: null, citations: [], confidence: null });
    await db.tickets.open({ id: `t_${id}`, siteId: 'shop', conversationId: id, reason: 'asked for a person' });
    await db.audit.add({ siteId: 'shop', actor: 'visitor', action: 'ticket.open', detail: { ticket: `t_${id}`, conversation: id } });
  }
  await pg.query(`update conversations set updated_at = now() - interval '40 days' where id = 's_old'`);
  // Webhook deliveries quote visitors too: settled ones older than the period go, pending ones stay.
  const url = 'https://hooks.shop.example/support';
  const attempt = { attempts: 1, status: 200, error: null, url };
  for (const [id, fate] of [['wd_old_ok', 'delivered'], ['wd_old_failed', 'failed'], ['wd_old_pending', 'pending'], ['wd_new_ok', 'delivered']] as const) {
    await db.webhooks.record({ id, siteId: 'shop', event: 'ticket.opened', url, payload: { event: { conversation: 's_new' } }, nextAttemptAt: new Date() });
    if (fate === 'delivered') await db.webhooks.markDelivered(id, { ...attempt, at: new Date() });
    if (fate === 'failed') await db.webhooks.markFailed(id, { ...attempt, status: 410 });
  }
  await pg.query(`update webhook_deliveries set created_at = now() - interval '40 days' where id like 'wd_old_%'`);
  await db.close();
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run retention (embedded database)', () => {
  it('says how to give a period when none is set', async () => {
    const r = await retention({ DATA_DIR: join(dir, 'db') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/set RETENTION_DAYS, pass --days N, or give a site its own/);
  }, 60_000);

  it('erases conversations idle longer than the period, keeps the rest, and leaves the audit trail without the id', async () => {
    const r = await retention({ DATA_DIR: join(dir, 'db'), RETENTION_DAYS: '30' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^retention: shop: 1 conversation idle since before \S+ erased \(30 days\), 2 settled webhook deliveries deleted\n$/);
    const { pg, db } = await openPglite(join(dir, 'db'));
    try {
      expect(await db.conversations.get('s_old')).toBeNull();
      expect(await db.messages.list('s_old')).toEqual([]);
      expect(await db.tickets.ofConversation('s_old')).toEqual([]);
      expect(await db.conversations.get('s_new')).not.toBeNull();
      expect((await db.webhooks.list('shop', 10)).map((d) => d.id).sort()).toEqual(['wd_new_ok', 'wd_old_pending']);
      const audit = (await pg.query<{ action: string; detail: { conversation: string } }>(`select action, detail from audit_log order by id`)).rows;
      expect(audit.map((a) => a.detail.conversation)).not.toContain('s_old');
      expect(audit.filter((a) => a.action === 'conversation.expired')).toHaveLength(1);
      expect(audit.map((a) => a.detail.conversation)).toContain('s_new');
    } finally {
      await db.close();
    }
    // Run again: nothing more to do.
    const again = await retention({ DATA_DIR: join(dir, 'db') }, '--days', '30');
    expect(again.stdout).toMatch(/^retention: shop: 0 conversations/);
    // Two CLI processes and two opens of the database: on a loaded 2-core machine each start alone took 10 s and more.
  }, 120_000);

  it("takes a site's own retentionDays over the server's period, either way", async () => {
    const { pg, db } = await openPglite(join(dir, 'db'));
    try {
      await db.sites.upsert({ id: 'keeper', name: 'Keeper', allowedOrigins: [], settings: { retentionDays: 90 } });
      await db.sites.upsert({ id: 'brief', name: 'Brief', allowedOrigins: [], settings: { retentionDays: 7 } });
      for (const [id, site, age] of [['k_old', 'keeper', 40], ['b_old', 'brief', 10], ['b_new', 'brief', 1]] as const) {
        await db.conversations.create({ id, siteId: site });
        await pg.query(`update conversations set updated_at = now() - interval '${age} days' where id = $1`, [id]);
      }
    } finally {
      await db.close();
    }
    const r = await retention({ DATA_DIR: join(dir, 'db'), RETENTION_DAYS: '30' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/retention: brief: 1 conversation idle since before \S+ erased \(7 days\)/);
    expect(r.stdout).toMatch(/retention: keeper: 0 conversations idle since before \S+ erased \(90 days\)/);
    const { db: after } = await openPglite(join(dir, 'db'));
    try {
      expect(await after.conversations.get('b_old')).toBeNull();
      expect(await after.conversations.get('b_new')).not.toBeNull();
      expect(await after.conversations.get('k_old')).not.toBeNull();
    } finally {
      await after.close();
    }
  }, 120_000);
});
