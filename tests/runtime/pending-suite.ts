/**
 * A conversation is written to the database at its first message, not at hello
 * (edge/conversation/pending.ts), asserted the same way on every runtime: until then its id
 * and secret already work (a second tab joins it; the HTTP twin continues it), but nothing is
 * stored for it, and nobody without the secret gets in.
 */
import { describe, expect, it } from 'vitest';
import { TestSocket } from '../helpers/ws-client';
import { socketUrl, type ConversationTarget } from './target';

export function pendingSuite(runtime: string, target: () => ConversationTarget): void {
  const ws = (session?: string) => socketUrl(target(), session ? { session } : {});
  const history = (session: string, resume: string) => fetch(`${target().url}/v1/sessions/${session}`, { headers: { 'x-resume-secret': resume } });

  describe(`a conversation is stored at its first message (${runtime})`, () => {
    it('a hello alone stores nothing; a second tab joins it before any message; the first message stores it', async () => {
      const a = await TestSocket.open(ws());
      const ready = await a.hello();
      expect(ready.resume).toBeTruthy();
      expect((await history(ready.session, ready.resume!)).status).toBe(404);

      const b = await TestSocket.open(ws(ready.session));
      expect((await b.hello({ session: ready.session })).session).toBe(ready.session);
      const { end } = await b.ask('p1', 'How long do I have to return an item?');
      // The first tab sees the answer the second one asked for: one conversation, not two.
      await a.next('answer.end', (f) => f.id === end.id);
      const stored = await history(ready.session, ready.resume!);
      expect(stored.status).toBe(200);
      expect(((await stored.json()) as { history: { role: string }[] }).history.map((h) => h.role)).toEqual(['user', 'assistant']);
      a.ws.close();
      b.ws.close();
    });

    it('nobody joins a pending conversation without its secret', async () => {
      const a = await TestSocket.open(ws());
      const ready = await a.hello();
      const thief = await TestSocket.open(ws(ready.session));
      thief.send({ type: 'hello', v: 1, session: ready.session, resume: 'not-the-secret' });
      // Node starts the thief a conversation of its own; a Worker's object, named by the id,
      // refuses (unknown_session) and the client comes back without it. Neither joins.
      const outcome = await Promise.race([thief.next('ready').then((r) => r.session), thief.next('error').then((e) => e.code)]);
      expect(outcome).not.toBe(ready.session);
      a.ws.close();
      thief.ws.close();
    });

    it('the HTTP twin continues a conversation that a socket began and never wrote in', async () => {
      const a = await TestSocket.open(ws());
      const ready = await a.hello();
      a.ws.close();
      const res = await fetch(`${target().url}/v1/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ site: 'demo', session: ready.session, resume: ready.resume, id: 'h1', text: 'Do you ship internationally?' }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { session: string }).session).toBe(ready.session);
      expect((await history(ready.session, ready.resume!)).status).toBe(200);
    });
  });
}
