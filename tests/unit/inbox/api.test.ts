/**
 * The inbox's HTTP client (sdk/inbox/api.ts) against the contract in protocol/inbox.ts: JSON
 * writes, errors as `{ error: { code, message } }`, a 401 ending the session, the sign-in's own
 * words for a lock with when it ends; and the socket's reconnect delays.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, errorText, InboxApi } from '../../../sdk/inbox/api';
import { backoff } from '../../../sdk/inbox/socket';

type Call = { url: string; init: RequestInit };
const fake = (status: number, body: unknown, headers: Record<string, string> = {}) => {
  const calls: Call[] = [];
  const fetcher = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === null ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  }) as unknown as typeof fetch;
  return { calls, fetcher };
};

describe('inbox API client', () => {
  it('writes are same-origin JSON; reads ask for the right page', async () => {
    const { calls, fetcher } = fake(200, { items: [], next: null });
    const api = new InboxApi(() => {}, '', fetcher);
    await api.tickets('closed', 'c1', 25);
    expect(calls[0].url).toBe('/agent/api/tickets?status=closed&cursor=c1&limit=25');
    await api.assign('t/1', true);
    expect(calls[1].url).toBe('/agent/api/tickets/t%2F1/assign');
    expect(calls[1].init.method).toBe('POST');
    expect((calls[1].init.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(calls[1].init.body).toBe('{"force":true}');
    expect(calls[1].init.credentials).toBe('same-origin');
    await api.reply('t1', 'Hello');
    expect(calls[2].init.body).toBe('{"text":"Hello"}');
  });

  it('a 401 from an API call ends the session once; a wrong password at sign-in does not', async () => {
    const ended: string[] = [];
    const expired = fake(401, { error: { code: 'session_expired', message: 'sign in again' } });
    await expect(new InboxApi((m) => ended.push(m), '', expired.fetcher).ticket('t1')).rejects.toMatchObject({ code: 'session_expired', status: 401 });
    expect(ended).toHaveLength(1);
    const wrong = fake(401, { error: { code: 'unauthorized', message: 'wrong email or password' } });
    const err = await new InboxApi((m) => ended.push(m), '', wrong.fetcher).login('a@b.c', 'x').catch((e) => e);
    expect(ended).toHaveLength(1);
    expect(errorText(err)).toBe('Wrong email or password.');
  });

  it('ticket_taken carries who holds it; a lock says when to try again', async () => {
    const taken = fake(409, { error: { code: 'ticket_taken', message: 'Sam holds ticket #1042', assignee: { id: 'ag_s', name: 'Sam' } } });
    const err = (await new InboxApi(() => {}, '', taken.fetcher).assign('t1').catch((e) => e)) as ApiError;
    expect(err.code).toBe('ticket_taken');
    expect(err.assignee?.name).toBe('Sam');
    const locked = fake(429, { error: { code: 'rate_limited', message: 'too many failed sign-ins; try again in 900 s', retryAfter: 900 } });
    const lock = await new InboxApi(() => {}, '', locked.fetcher).login('a@b.c', 'x').catch((e) => e);
    expect(lock.retryAfter).toBe(900);
    const text = errorText(lock, Date.parse('2026-12-04T10:00:00Z'));
    expect(text).toMatch(/^Too many failed sign-ins; try again in 900 s \(at .+\)\.$/);
  });

  it('a network failure and a body that is not JSON still give an ApiError', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    expect(await new InboxApi(() => {}, '', down).me().catch((e) => e)).toMatchObject({ status: 0, code: 'network' });
    const html = (async () => new Response('<h1>Bad gateway</h1>', { status: 502 })) as unknown as typeof fetch;
    expect(await new InboxApi(() => {}, '', html).ticket('t').catch((e) => e)).toMatchObject({ status: 502, code: 'unavailable' });
  });

  it('reconnects after 1 s growing to 15 s, jittered', () => {
    expect(backoff(0, () => 0.5)).toBe(1000);
    expect(backoff(1, () => 0.5)).toBe(1700);
    expect(backoff(20, () => 0.5)).toBe(15000);
    expect(backoff(0, () => 0)).toBe(750);
    expect(backoff(0, () => 1)).toBe(1250);
  });
});
