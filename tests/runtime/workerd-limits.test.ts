/**
 * The abuse limits on the Worker in workerd: the same handler as on Node, with the client's
 * address from CF-Connecting-IP (Cloudflare's edge sets it; locally miniflare does, and keeps
 * one the client sent, which these tests use to play several addresses). Counters live in
 * Upstash (the REST bridge over a real redis-server), so every conversation's Durable Object
 * counts against the same limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalWorker, type LocalWorker } from '../../scripts/local-worker';
import { TestSocket } from '../helpers/ws-client';
import { socketUrl } from './conversation-suite';

let worker: LocalWorker;
beforeAll(async () => {
  worker = await startLocalWorker({
    upstash: true,
    vars: { RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '2', NEW_CONVERSATIONS_PER_ADDRESS_PER_HOUR: '3', LOG_LEVEL: 'warn' },
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
});
