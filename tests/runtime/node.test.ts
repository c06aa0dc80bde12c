import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { TestSocket } from '../helpers/ws-client';
import { conversationSuite } from './conversation-suite';
import { socketUrl } from './target';
import { pendingSuite } from './pending-suite';
import { fuzzSuite } from './fuzz-suite';

let server: TestServer;
beforeAll(async () => {
  // The product's default embedder (all-MiniLM-L6-v2 on Node), as a user runs it.
  server = await startTestServer({ EMBEDDING_MODEL: 'auto' });
});
afterAll(async () => {
  await server?.destroy();
});

conversationSuite('Node server, embedded stores', () => server);
pendingSuite('Node server, embedded stores', () => server);
fuzzSuite('Node server, embedded stores', () => server, { runs: 200 });

describe('origins on the Node server', () => {
  it('refuses a socket with an empty Origin header (the WebSocket library would drop it as absent)', async () => {
    const empty = await TestSocket.open(socketUrl(server), { origin: '' });
    expect((await empty.next('error')).code).toBe('forbidden_origin');
    await expect(empty.next('pong', () => true, 3000)).rejects.toThrow(/closed \(4403\)/);
    const posted = await fetch(`${server.url}/v1/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: '' },
      body: JSON.stringify({ site: 'demo', id: 'empty-origin', text: 'Do you ship internationally?' }),
    });
    expect(posted.status).toBe(403);
  });
});

describe('a restart keeps every conversation (Node)', () => {
  it('history and numbering survive a restart on the same data directory', async () => {
    const s = await TestSocket.open(socketUrl(server));
    const { session } = await s.hello();
    await s.ask('k1', 'Do you ship internationally?');
    const lastSeq = Math.max(...s.frames.flatMap((f) => ('seq' in f ? [f.seq] : [])));
    s.close();

    server = await server.restart();
    const history = (await (await fetch(`${server.url}/v1/sessions/${session}`, { headers: { 'x-resume-secret': TestSocket.secrets.get(session)! } })).json()) as { history: { role: string }[] };
    expect(history.history.map((h) => h.role)).toEqual(['user', 'assistant']);
    const b = await TestSocket.open(socketUrl(server, { session }));
    const ready = await b.hello({ session, after: lastSeq });
    expect(ready.session).toBe(session);
    const { start } = await b.ask('k2', 'and how much does it cost?');
    expect(start.seq).toBeGreaterThan(lastSeq);
    b.close();
  });
});
