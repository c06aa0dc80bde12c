/**
 * The abuse limits on the Worker in workerd: the same handler as on Node, with the client's
 * address from CF-Connecting-IP (Cloudflare's edge sets it; locally miniflare does, and keeps
 * one the client sent, which these tests use to play several addresses). Counters live in
 * Upstash (the REST bridge over a real redis-server), so every conversation's Durable Object
 * counts against the same limits.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker';
import { TestSocket } from '../helpers/ws-client';
import { socketUrl } from './target';

const ADMIN_TOKEN = 'admin-token-0123456789';
let worker: LocalWorker;
beforeAll(async () => {
  worker = await startLocalWorker({
    upstash: true,
    vars: { RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '2', NEW_CONVERSATIONS_PER_ADDRESS_PER_HOUR: '3', LOG_LEVEL: 'warn', ADMIN_TOKEN },
  });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
});

const post = (id: string, ip: string) =>
  fetch(`${worker.url}/v1/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
    body: JSON.stringify({ site: 'demo', id, text: 'Do you ship internationally?' }),
  });

describe('abuse limits on the Worker in workerd (Upstash-backed counters)', () => {
  it('holds one address to its message limit across conversations (each its own Durable Object)', async () => {
    expect((await post('w1', '203.0.113.20')).status).toBe(200);
    expect((await post('w2', '203.0.113.20')).status).toBe(200);
    const refused = await post('w3', '203.0.113.20');
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string; retryAfter: number } }).error).toMatchObject({ code: 'rate_limited' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post('w4', '203.0.113.21')).status).toBe(200);
  });

  it('refuses new conversations past the hourly limit per address on sockets, with retryAfter and 1013', async () => {
    const open = (ip: string) => TestSocket.open(socketUrl(worker), { 'cf-connecting-ip': ip });
    for (let i = 0; i < 3; i++) {
      const s = await open('203.0.113.30');
      await s.hello();
      s.close();
    }
    const over = await open('203.0.113.30');
    over.send({ type: 'hello', v: 1 });
    const err = await over.next('error');
    expect(err).toMatchObject({ code: 'rate_limited' });
    expect(err.retryAfter).toBeGreaterThan(0);
    await expect(over.next('pong', () => true, 5000)).rejects.toThrow(/closed \(1013\)/);
    const other = await open('203.0.113.31');
    expect((await other.hello()).session).toMatch(/^s_/);
    other.close();
  });

  it("erases a visitor: its Durable Object closes the conversation's sockets and deletes its storage; Postgres and Upstash keep nothing of it", async () => {
    const s = await TestSocket.open(socketUrl(worker), { 'cf-connecting-ip': '203.0.113.40' });
    const { session } = await s.hello();
    await s.ask('e1', 'Do you ship internationally?');
    const admin = (path: string, method = 'GET') => fetch(`${worker.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'cf-connecting-ip': '203.0.113.41' } });
    const exported = (await (await admin(`/v1/admin/visitors/${session}/export`)).json()) as { messages: { text: string }[] };
    expect(exported.messages.map((m) => m.text)[0]).toBe('Do you ship internationally?');
    expect((await admin(`/v1/admin/visitors/${session}`, 'DELETE')).status).toBe(204);
    // The object closed the socket as it erased its storage.
    await expect(s.next('pong', () => true, 5000)).rejects.toThrow(/closed \(1000\)/);
    expect(s.closed?.reason).toBe('conversation erased');
    const rows = await worker.postgres.pg.query<{ n: number }>(
      `select (select count(*) from conversations where id = $1) + (select count(*) from messages where conversation_id = $1) as n`,
      [session],
    );
    expect(Number(rows.rows[0].n)).toBe(0);
    const redis = createClient({ url: worker.redis!.url });
    await redis.connect();
    try {
      expect(await redis.keys(`*${session}*`)).toEqual([]);
    } finally {
      await redis.quit();
    }
    expect((await admin(`/v1/admin/visitors/${session}/export`)).status).toBe(404);
  });
});
