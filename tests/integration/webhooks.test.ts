/**
 * Webhook notifications against a real HTTP receiver (node:http) that checks each signature as
 * the README tells receivers to: a notification lands as a signed, Slack-compatible body; a
 * receiver that fails (500, refused connection, silence) is tried again on the backoff schedule,
 * driven through the injected clock; one that refuses (400) is not; every attempt is recorded.
 * Then the admin API on the real Node server (the signing secret shown once, rotated, never
 * read back; the test route; the deliveries list, page by page) and `npm run site`.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../edge/config/load';
import type { Deps } from '../../edge/core/deps';
import { silentLogger } from '../../edge/ops/logger';
import { buildNodeDeps } from '../../edge/runtime/node/deps';
import { openPglite } from '../../edge/stores/db/pglite';
import { sealingFor } from '../../edge/wiring/sealing';
import { ensureWebhookSecret, notify, retryDue, verifyWebhook, type NotifyDeps } from '../../edge/notify';
import { startTestServer, type TestServer } from '../helpers/server';
import { runCli } from '../servers/cli';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { text: string; blocks: unknown[]; event: Record<string, unknown> };
  /** Checked with Node's HMAC, as a receiver would. */
  valid: boolean;
}

/** A webhook receiver: answers each request with the next status queued (200 when none). */
async function receiver() {
  const got: Received[] = [];
  const statuses: number[] = [];
  let secret = '';
  let silent = false;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const header = String(req.headers['x-support-chat-signature'] ?? '');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
      const valid = !!t && createHmac('sha256', secret).update(`${t}.${body}`).digest('hex') === v1;
      got.push({ headers: req.headers, body, json: JSON.parse(body), valid });
      if (silent) return;
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `no: ${status}`);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    statuses,
    setSecret: (s: string) => void (secret = s),
    setSilent: (s: boolean) => void (silent = s),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', ok));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

describe('notify and retries (embedded database, injected clock)', () => {
  let built: { deps: Deps; close(): Promise<void> };
  let hook: Awaited<ReturnType<typeof receiver>>;
  let now = Date.parse('2026-12-01T10:00:00Z');
  let deps: NotifyDeps;
  const ticket = { id: 'tkt_1', number: 1042, priority: 'normal' as const };
  const opened = { type: 'ticket.opened' as const, conversation: 'conv_1', ticket, text: 'Where is my order?' };

  beforeAll(async () => {
    built = await buildNodeDeps(loadConfig({ EMBEDDING_MODEL: 'local-hash-384' }), silentLogger, { inMemory: true });
    hook = await receiver();
    deps = { ...built.deps, clock: { now: () => now }, webhooks: { backoffMs: [30_000, 120_000], timeoutMs: 500, publicUrl: 'https://support.acme.example' } };
    await built.deps.db.sites.upsert({ id: 'acme', name: 'Acme', allowedOrigins: [] });
  }, 60_000);
  afterAll(async () => {
    await hook?.close();
    await built?.close();
  });
  beforeEach(() => {
    hook.got.length = 0;
    hook.statuses.length = 0;
    hook.setSilent(false);
  });

  const setUrl = (url: string | undefined) => built.deps.db.sites.update('acme', { settings: url ? { webhookUrl: url } : {} });

  it('does nothing for a site without a webhook URL', async () => {
    expect(await notify(deps, 'acme', opened)).toBeNull();
    expect(await notify(deps, 'no-such-site', opened)).toBeNull();
    expect(await built.deps.db.webhooks.list('acme', 10)).toEqual([]);
  });

  it('delivers a signed, Slack-compatible body and records it', async () => {
    await setUrl(hook.url);
    const secret = (await ensureWebhookSecret(built.deps.db, 'acme', { webhookUrl: hook.url }))!;
    expect(secret).toMatch(/^whsec_/);
    expect(await ensureWebhookSecret(built.deps.db, 'acme', { webhookUrl: hook.url })).toBeNull();
    hook.setSecret(secret);

    const outcome = await notify(deps, 'acme', opened);
    expect(outcome).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
    expect(hook.got).toHaveLength(1);
    const [r] = hook.got;
    expect(r!.valid).toBe(true);
    expect(await verifyWebhook(secret, r!.headers['x-support-chat-signature'] as string, r!.body, 300, now / 1000)).toBe(true);
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.headers['x-support-chat-event']).toBe('ticket.opened');
    expect(r!.headers['x-support-chat-delivery']).toBe(outcome!.id);
    expect(r!.json.text).toBe('New ticket #1042 on Acme: “Where is my order?”');
    expect(r!.json.blocks.length).toBeGreaterThan(0);
    expect(r!.json.event).toMatchObject({ id: outcome!.id, type: 'ticket.opened', site: 'acme', conversation: 'conv_1', text: 'Where is my order?', ticket: { id: 'tkt_1', number: 1042, url: 'https://support.acme.example/agent#t=tkt_1' } });

    const row = await built.deps.db.webhooks.get(outcome!.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200, lastError: null, nextAttemptAt: null, url: hook.url, event: 'ticket.opened' });
    expect(row!.deliveredAt!.getTime()).toBe(now);
  });

  it('500, then 200: tried again after the backoff, not before', async () => {
    hook.statuses.push(500);
    const first = await notify(deps, 'acme', { type: 'ticket.visitor_reply', conversation: 'conv_1', ticket, text: 'Any news?' });
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500 });
    expect(first!.lastError).toBe('HTTP 500: no: 500');
    expect(first!.nextAttemptAt!.getTime()).toBe(now + 30_000);

    now += 10_000;
    expect(await retryDue(deps)).toEqual([]);
    now += 21_000;
    const [again] = await retryDue(deps);
    expect(again).toMatchObject({ id: first!.id, status: 'delivered', attempts: 2, lastStatus: 200 });
    expect(hook.got).toHaveLength(2);
    expect(hook.got.every((r) => r.valid)).toBe(true);
    // The same event both times: a receiver drops duplicates by its id.
    expect(hook.got[1]!.json.event.id).toBe(hook.got[0]!.json.event.id);
    expect(await built.deps.db.webhooks.get(first!.id)).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 200 });
    expect(await retryDue(deps, now + 3_600_000)).toEqual([]);
  });

  it('400: failed at once, never tried again; 429 and 408 are tried again', async () => {
    hook.statuses.push(400);
    const refused = await notify(deps, 'acme', { type: 'answer.low_rating', conversation: 'conv_2', answerId: 'a_1', text: 'We ship in 3 days.', comment: 'wrong' });
    expect(refused).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 400, nextAttemptAt: null });
    expect(await retryDue(deps, now + 86_400_000)).toEqual([]);
    expect(hook.got).toHaveLength(1);

    hook.statuses.push(429, 408);
    const limited = await notify(deps, 'acme', opened);
    expect(limited).toMatchObject({ status: 'pending', lastStatus: 429 });
    now += 30_000;
    expect((await retryDue(deps))[0]).toMatchObject({ id: limited!.id, status: 'pending', attempts: 2, lastStatus: 408 });
    expect((await built.deps.db.webhooks.get(limited!.id))!.nextAttemptAt!.getTime()).toBe(now + 120_000);
    now += 120_000;
    expect((await retryDue(deps))[0]).toMatchObject({ id: limited!.id, status: 'delivered', attempts: 3 });
  });

  it('a receiver down (connection refused) is tried again, at the URL the site has then', async () => {
    await setUrl(`http://127.0.0.1:${await closedPort()}/hook`);
    const down = await notify(deps, 'acme', { type: 'ticket.offline_reply', conversation: 'conv_3', ticket, contactEmail: 'ann@example.com', text: 'Your parcel left today.' });
    expect(down).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null });
    expect(down!.lastError).toMatch(/ECONNREFUSED/);

    await setUrl(hook.url);
    now += 30_000;
    const [back] = await retryDue(deps);
    expect(back).toMatchObject({ id: down!.id, status: 'delivered', attempts: 2 });
    expect(hook.got[0]!.json.event).toMatchObject({ type: 'ticket.offline_reply', contact: { email: 'ann@example.com' }, text: 'Your parcel left today.' });
    expect((await built.deps.db.webhooks.get(down!.id))!.url).toBe(hook.url);
  });

  it('gives up after the last backoff; a receiver that never answers times out', async () => {
    hook.statuses.push(503, 503, 503);
    const failing = await notify(deps, 'acme', opened);
    now += 30_000;
    await retryDue(deps);
    now += 120_000;
    const [last] = await retryDue(deps);
    expect(last).toMatchObject({ id: failing!.id, status: 'failed', attempts: 3, lastStatus: 503 });
    expect(await retryDue(deps, now + 86_400_000)).toEqual([]);

    hook.setSilent(true);
    const silent = await notify(deps, 'acme', opened);
    expect(silent).toMatchObject({ status: 'pending', attempts: 1, lastStatus: null, lastError: 'no answer within 0.5 s' });
  });

  it('lists deliveries newest first, page by page; erasure forgets a conversation\'s', async () => {
    const all = await built.deps.db.webhooks.list('acme', 100);
    expect(all.length).toBeGreaterThanOrEqual(7);
    const first = await built.deps.db.webhooks.list('acme', 3);
    const next = await built.deps.db.webhooks.list('acme', 3, { key: first[2]!.createdAt.toISOString(), id: first[2]!.id });
    expect([...first, ...next].map((d) => d.id)).toEqual(all.slice(0, 6).map((d) => d.id));
    expect(await built.deps.db.webhooks.forgetConversation('conv_3')).toBe(1);
    expect((await built.deps.db.webhooks.list('acme', 100)).some((d) => (d.payload.event as { conversation: string }).conversation === 'conv_3')).toBe(false);
  });
});

describe('deliveries at rest with DATA_ENCRYPTION_KEY', () => {
  it('seals the payload (it may quote the visitor and name their email), opens it, and erases it with the conversation', async () => {
    const key = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
    const { pg, db } = await openPglite(null, { sealing: sealingFor({ DATA_ENCRYPTION_KEY: key }) });
    try {
      await db.sites.upsert({ id: 'acme', name: 'Acme', allowedOrigins: [] });
      const payload = { text: 'Reply to email', blocks: [], event: { type: 'ticket.offline_reply', conversation: 'conv_9', contact: { email: 'ann@example.com' } } };
      await db.webhooks.record({ id: 'whd_sealed', siteId: 'acme', event: 'ticket.offline_reply', url: 'https://hooks.example/x', payload, nextAttemptAt: new Date() });
      expect((await db.webhooks.get('whd_sealed'))!.payload).toEqual(payload);
      const stored = (await pg.query<{ p: string }>('select payload::text as p from webhook_deliveries')).rows[0]!.p;
      expect(stored).toContain('enc:v1:k1:');
      expect(stored).not.toContain('ann@example.com');
      expect(await db.webhooks.forgetConversation('conv_9')).toBe(1);
      expect(await db.webhooks.get('whd_sealed')).toBeNull();
      // A conversation's erasure takes its deliveries with it.
      await db.webhooks.record({ id: 'whd_erased', siteId: 'acme', event: 'ticket.opened', url: 'https://hooks.example/x', payload: { ...payload, event: { ...payload.event, conversation: 'conv_10' } }, nextAttemptAt: new Date() });
      await db.conversations.delete('conv_10');
      expect(await db.webhooks.get('whd_erased')).toBeNull();
    } finally {
      await db.close();
    }
  }, 60_000);
});

describe('the admin API on the Node server', () => {
  const ADMIN = 'admin-token-0123456789';
  let server: TestServer;
  let hook: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    hook = await receiver();
    server = await startTestServer({ ADMIN_TOKEN: ADMIN });
  }, 60_000);
  afterAll(async () => {
    await server?.destroy();
    await hook?.close();
  });
  const api = (method: string, path: string, body?: unknown, token: string | null = ADMIN) =>
    fetch(`${server.url}/v1/admin${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });

  it('shows the signing secret once, when the URL is set; rotates it; reads never include it', async () => {
    const bad = await api('POST', '/sites', { id: 'acme', settings: { webhookUrl: 'http://hooks.example/x' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/webhookUrl" must be an https URL \(http only for localhost or 127\.0\.0\.1\)/);

    const made = await api('POST', '/sites', { id: 'acme', settings: { webhookUrl: hook.url, offlineAfterMinutes: 5 } });
    expect(made.status).toBe(201);
    const { webhookSecret, site } = (await made.json()) as { webhookSecret: string; site: { settings: Record<string, unknown> } };
    expect(webhookSecret).toMatch(/^whsec_/);
    expect(site.settings).toMatchObject({ webhookUrl: hook.url, offlineAfterMinutes: 5 });
    hook.setSecret(webhookSecret);

    // Setting the URL again makes no new secret.
    const patched = (await (await api('PATCH', '/sites/acme', { settings: { webhookUrl: `${hook.url}?again=1` } })).json()) as Record<string, unknown>;
    expect(patched.webhookSecret).toBeUndefined();
    await api('PATCH', '/sites/acme', { settings: { webhookUrl: hook.url } });

    const reads = JSON.stringify([await (await api('GET', '/sites')).json(), await (await api('GET', '/sites/acme')).json()]);
    expect(reads).toContain(hook.url);
    expect(reads).not.toContain('whsec_');

    const tested = await api('POST', '/sites/acme/webhooks/test');
    expect(tested.status).toBe(200);
    expect(await tested.json()).toMatchObject({ delivered: true, delivery: { event: 'webhook.test', status: 'delivered', attempts: 1, lastStatus: 200 } });
    expect(hook.got.at(-1)).toMatchObject({ valid: true, json: { text: 'Test notification for acme: webhooks work', event: { type: 'webhook.test', site: 'acme' } } });

    const rotated = (await (await api('POST', '/sites/acme/keys', { rotate: 'webhook' })).json()) as { webhookSecret: string; publicKey?: string };
    expect(rotated.webhookSecret).toMatch(/^whsec_/);
    expect(rotated.webhookSecret).not.toBe(webhookSecret);
    expect(rotated.publicKey).toBeUndefined();
    await api('POST', '/sites/acme/webhooks/test');
    expect(hook.got.at(-1)!.valid).toBe(false);
    hook.setSecret(rotated.webhookSecret);
    await api('POST', '/sites/acme/webhooks/test');
    expect(hook.got.at(-1)!.valid).toBe(true);
  });

  it('lists deliveries page by page, with their outcome; the test reports a refusal', async () => {
    hook.statuses.push(410);
    const refused = (await (await api('POST', '/sites/acme/webhooks/test')).json()) as { delivered: boolean; delivery: Record<string, unknown> };
    expect(refused).toMatchObject({ delivered: false, delivery: { status: 'failed', lastStatus: 410, lastError: 'HTTP 410: no: 410' } });

    const all = (await (await api('GET', '/sites/acme/webhooks/deliveries')).json()) as { items: { id: string; status: string; summary: string }[]; next: string | null };
    expect(all.items).toHaveLength(4);
    expect(all.next).toBeNull();
    expect(all.items[0]).toMatchObject({ id: refused.delivery.id, status: 'failed', summary: 'Test notification for acme: webhooks work' });
    expect(JSON.stringify(all)).not.toContain('"payload"');

    const p1 = (await (await api('GET', '/sites/acme/webhooks/deliveries?limit=3')).json()) as { items: { id: string }[]; next: string };
    expect(p1.items).toHaveLength(3);
    const p2 = (await (await api('GET', `/sites/acme/webhooks/deliveries?limit=3&cursor=${p1.next}`)).json()) as { items: { id: string }[]; next: string | null };
    expect([...p1.items, ...p2.items].map((d) => d.id)).toEqual(all.items.map((d) => d.id));
    expect(p2.next).toBeNull();

    expect((await api('GET', '/sites/acme/webhooks/deliveries?cursor=nonsense')).status).toBe(400);
    expect((await api('GET', '/sites/nope/webhooks/deliveries')).status).toBe(404);
    expect((await api('GET', '/sites/acme/webhooks/deliveries', undefined, null)).status).toBe(401);
    expect((await api('POST', '/sites/acme/webhooks/test', undefined, 'adm_wrong')).status).toBe(401);
    expect((await api('POST', '/sites/demo/webhooks/test')).status).toBe(409);
  });
});

describe('npm run site (embedded database)', () => {
  let dir: string;
  const site = (...args: string[]) => runCli('node', ['--import', 'tsx', 'edge/runtime/node/site-cli.ts', ...args], 60_000, { DATA_DIR: join(dir, 'db'), EMBEDDING_MODEL: 'local-hash-384' });
  beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'webhooks-cli-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets the URL (the secret shown once), says whether one is set, and rotates it', async () => {
    // Three runs of the CLI, each a process opening the database: a bad URL is refused by the
    // same parseSetting the unit tests check, so it costs no run here.
    const set = await site('create', 'acme', '--origin', 'https://acme.example', '--set', 'webhookUrl=https://hooks.example/acme', '--set', 'offlineAfterMinutes=15');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/settings: .*webhookUrl=https:\/\/hooks\.example\/acme, offlineAfterMinutes=15/);
    const secret = /webhook secret: (whsec_\S+)/.exec(set.stdout)![1];

    const keys = await site('keys', 'acme');
    expect(keys.stdout).toMatch(/webhook secret: set \(shown only when made\)/);
    expect(keys.stdout).not.toContain(secret);
    const rotated = await site('keys', 'acme', '--rotate', 'webhook');
    expect(rotated.code, rotated.stderr).toBe(0);
    const fresh = /webhook secret: (whsec_\S+)/.exec(rotated.stdout)![1];
    expect(fresh).not.toBe(secret);
  }, 120_000);
});
