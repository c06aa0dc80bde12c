/**
 * The toucan-js error reporter → tests/servers/sentry-receiver (Sentry's envelope endpoint on
 * loopback): a report carries the failing stage and the request's method and path, and none
 * of the visitor's words, email, session id, IP address, cookies or headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noopErrorReporter, safeTags, scrubPath, scrubUrl } from '../../edge/ops/errors';
import { createSentryReporter } from '../../edge/ops/sentry';
import { startSentryReceiver, type Envelope, type SentryReceiver } from '../servers/sentry-receiver';

let receiver: SentryReceiver;
beforeAll(async () => {
  receiver = await startSentryReceiver();
});
afterAll(() => receiver?.stop());

const SECRETS = {
  text: 'where is my order A-1001, I am Ann Example',
  email: 'ann.example@mail.example',
  session: 's_Zq3xK9mP2vL8nB4cR7tY1w',
  ip: '203.0.113.77',
  cookie: 'sid=cookie-secret-value',
  agent: 'SecretAgent/9.9',
};

async function report(capture: (r: ReturnType<typeof createSentryReporter>) => void): Promise<Envelope> {
  const before = receiver.envelopes.length;
  const waited: Promise<unknown>[] = [];
  const reporter = createSentryReporter({
    dsn: receiver.dsn,
    environment: 'test',
    // As in a Worker: sends are handed to the execution context.
    context: { waitUntil: (p) => void waited.push(p) },
    request: new Request(`https://shop.example/v1/sessions/${SECRETS.session}?session=${SECRETS.session}&email=${SECRETS.email}`, {
      method: 'POST',
      headers: {
        cookie: SECRETS.cookie,
        'cf-connecting-ip': SECRETS.ip,
        'x-forwarded-for': SECRETS.ip,
        'user-agent': SECRETS.agent,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ text: SECRETS.text }),
    }),
  });
  capture(reporter);
  await Promise.all(waited);
  const all = await receiver.waitFor(before + 1);
  return all[before];
}

const event = (env: Envelope) => env.items.find((i) => i.header.type === 'event')!.payload as Record<string, any>;

describe('Sentry reporter (toucan-js) → local envelope receiver', () => {
  it('sends the stage, site and request method/path, and no personal data', async () => {
    const err = new Error(`could not answer "${SECRETS.text}" for ${SECRETS.email} (${SECRETS.ip}, ${SECRETS.session})`);
    const env = await report((r) =>
      r.capture(err, { stage: 'pipeline.answer', site: 'shop', tags: { session: SECRETS.session, email: SECRETS.email, region: 'eu' } }),
    );
    expect(env.project).toBe('1');
    expect(env.key).toBe('public');
    const ev = event(env);
    expect(ev.tags).toEqual({ stage: 'pipeline.answer', site: 'shop', region: 'eu' });
    expect(ev.request).toMatchObject({ method: 'POST', url: 'https://shop.example/v1/sessions/:id' });
    expect(ev.exception.values[0].type).toBe('Error');
    expect(ev.exception.values[0].stacktrace.frames.length).toBeGreaterThan(0);
    for (const [what, secret] of Object.entries(SECRETS)) expect(env.raw, what).not.toContain(secret);
    expect(env.raw).not.toContain('A-1001');
    expect(ev.user).toBeUndefined();
    expect(ev.breadcrumbs).toBeUndefined();
  });

  it('uses the request given with the error when the reporter has none (a Durable Object socket)', async () => {
    const before = receiver.envelopes.length;
    const reporter = createSentryReporter({ dsn: receiver.dsn });
    reporter.capture(Object.assign(new Error(SECRETS.text), { code: '42P01' }), {
      stage: 'ws.message',
      request: { method: 'get', url: `https://shop.example/v1/ws?site=shop&session=${SECRETS.session}` },
    });
    await reporter.flush!();
    const env = (await receiver.waitFor(before + 1))[before];
    const ev = event(env);
    expect(ev.request).toEqual({ method: 'GET', url: 'https://shop.example/v1/ws' });
    expect(ev.tags).toEqual({ stage: 'ws.message', code: '42P01' });
    expect(env.raw).not.toContain(SECRETS.session);
    expect(env.raw).not.toContain(SECRETS.text);
  });

  it('never throws, whatever is thrown', async () => {
    const reporter = createSentryReporter({ dsn: receiver.dsn });
    expect(() => reporter.capture('a string', { stage: 's' })).not.toThrow();
    expect(() => reporter.capture(undefined, { stage: 's' })).not.toThrow();
    await reporter.flush!();
    expect(() => noopErrorReporter.capture(new Error('x'), { stage: 's' })).not.toThrow();
  });
});

describe('scrubbing helpers', () => {
  it('keeps route words and file names, replaces identifiers, drops query and fragment', () => {
    expect(scrubPath('/v1/sessions/s_Abc123')).toBe('/v1/sessions/:id');
    expect(scrubPath('/v1/ws')).toBe('/v1/ws');
    expect(scrubPath('/support-chat.iife.js')).toBe('/support-chat.iife.js');
    expect(scrubPath('/orders/ann@example.com/A-1001')).toBe('/orders/:id/:id');
    expect(scrubPath('/v1/sessions/abcdefghijklmnopqrstuvwxyzabcdefghij')).toBe('/v1/sessions/:id');
    expect(scrubUrl('https://x.example/v1/chat?session=s_1#frag')).toBe('https://x.example/v1/chat');
    expect(safeTags({ session_id: 'x', userEmail: 'y', client_ip: 'z', ship: 'ok', region: 'eu' })).toEqual({ ship: 'ok', region: 'eu' });
  });
});
