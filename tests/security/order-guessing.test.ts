/**
 * Order look-up enumeration, reproduced on the real Node server: with a known email and
 * sequential order numbers in new conversations, or a known number and guessed emails from
 * several addresses. Failed look-ups are limited per conversation, address and order number;
 * past a limit every look-up gets the same pause, even a right pair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_FAILURES } from '../../edge/pipeline/orders';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: '1' });
});
afterAll(async () => {
  await server?.destroy();
});

let n = 0;
const secrets = new Map<string, string>();
async function ask(text: string, from: string, session?: string): Promise<{ session: string; text: string }> {
  const res = await fetch(`http://127.0.0.1:${server.port}/v1/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ site: 'demo', id: `o${n++}`, text, ...(session ? { session, resume: secrets.get(session) } : {}) }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { session: string; resume?: string; answer: { text: string } };
  if (body.resume) secrets.set(body.session, body.resume);
  return { session: body.session, text: body.answer.text };
}
const lookUp = (number: string, email: string, from: string, session?: string) => ask(`Where is my order ${number}? My email is ${email}`, from, session);
const PAUSED = /can’t look up more orders/;
const FOUND = /Order JP-10388 \(/;

describe('order look-ups cannot be enumerated', () => {
  it('finds an order for the right number and email at once', async () => {
    expect((await lookUp('JP-10388', 'ines.carvalho@example.com', '198.51.100.1')).text).toMatch(FOUND);
  });

  it('pauses one conversation after its failed guesses, even for the right pair next', async () => {
    let session: string | undefined;
    for (let i = 0; i < ORDER_FAILURES.conversation; i++) {
      const r = await lookUp(`JP-2000${i}`, 'ines.carvalho@example.com', '198.51.100.2', session);
      expect(r.text).toMatch(/couldn't find order/);
      session = r.session;
    }
    expect((await lookUp('JP-10388', 'ines.carvalho@example.com', '198.51.100.2', session)).text).toMatch(PAUSED);
  });

  it('pauses an address guessing numbers with a known email in new conversations each time', async () => {
    const from = '198.51.100.3';
    for (let i = 0; i < ORDER_FAILURES.address; i++) {
      expect((await lookUp(`JP-3000${i}`, 'ines.carvalho@example.com', from)).text).toMatch(/couldn't find order/);
    }
    expect((await lookUp('JP-10388', 'ines.carvalho@example.com', from)).text).toMatch(PAUSED);
    // Another visitor is not paused.
    expect((await lookUp('JP-10388', 'ines.carvalho@example.com', '198.51.100.4')).text).toMatch(FOUND);
  });

  it('pauses an order number whose email is being guessed from many addresses', async () => {
    for (let i = 0; i < ORDER_FAILURES.number; i++) {
      expect((await lookUp('JP-10398', `guess${i}@example.com`, `203.0.113.${100 + i}`)).text).toMatch(/couldn't find order/);
    }
    // The right email, from a fresh address and conversation: the number is paused for now.
    expect((await lookUp('JP-10398', 'tomas.reyes@example.com', '203.0.113.200')).text).toMatch(PAUSED);
    expect((await lookUp('JP-10388', 'ines.carvalho@example.com', '203.0.113.201')).text).toMatch(FOUND);
  });
});
