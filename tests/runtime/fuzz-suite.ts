/**
 * Property tests of the wire (fast-check), run against every runtime like the conversation
 * suite: random, truncated, wrongly typed and unicode-edge frames over real sockets, and random
 * bodies to POST /v1/chat. The server answers an error or ignores the frame; it never crashes,
 * never closes a socket for anything but a frame over the limit, and never touches another
 * visitor's conversation (one is set up first and read back unchanged at the end).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, type ServerFrame } from '@support-chat/protocol';
import { TestSocket } from '../helpers/ws-client';
import { socketUrl, type ConversationTarget } from './target';

/** Close codes a fuzzed socket may end with: a frame over the limit (1009). */
const ALLOWED_CLOSES = new Set([1009]);
const STATUSES = new Set([200, 400, 403, 404, 413, 429]);

export function fuzzSuite(runtime: string, target: () => ConversationTarget, opts: { runs: number }): void {
  describe(`protocol fuzz with fast-check (${runtime})`, () => {
    let victim: { session: string; resume: string; answer: string; history: unknown };
    const history = async (session: string, resume: string) =>
      (await (await fetch(`${target().url}/v1/sessions/${session}`, { headers: { 'x-resume-secret': resume } })).json()) as { history: unknown[] };

    beforeAll(async () => {
      const s = await TestSocket.open(socketUrl(target()));
      const ready = await s.hello();
      const { end } = await s.ask('victim-1', 'Do you ship internationally?');
      s.close();
      victim = { session: ready.session, resume: ready.resume!, answer: end.id, history: await history(ready.session, ready.resume!) };
    });

    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('', ' \n ', '\u0000', '\uD800', '\u202E', 'é'.normalize('NFD'), '𝔘𝔫𝔦', '"}]', '\\u0000'),
    );
    const anything = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
    const frame = () =>
      fc.record(
        {
          type: fc.oneof(fc.constantFrom('hello', 'message', 'feedback', 'handoff', 'ping', 'launch', '__proto__', 'constructor'), anything),
          v: fc.oneof(fc.constant(1), anything),
          id: fc.oneof(text, anything),
          text: fc.oneof(text, anything),
          session: fc.oneof(fc.constant(victim.session), text, anything),
          resume: fc.oneof(text, fc.constant(victim.resume.slice(0, -2))),
          answer: fc.oneof(fc.constant(victim.answer), text),
          rating: fc.oneof(fc.constantFrom('up', 'down'), anything),
          after: fc.oneof(fc.nat(), anything),
          locale: fc.oneof(text, anything),
        },
        { requiredKeys: [] },
      );
    const raw = () =>
      fc.oneof(
        frame().map((f) => JSON.stringify(f)),
        fc.tuple(frame(), fc.nat({ max: 200 })).map(([f, n]) => JSON.stringify(f).slice(0, n)),
        fc.json({ maxDepth: 3 }),
        text,
        fc.constantFrom('{"type":"hello","v":1,"__proto__":{"polluted":1}}', '{"type":"ping"}'.repeat(3), '[]', '0', 'y'.repeat(MAX_FRAME_BYTES + 1)),
      );

    it('answers or ignores every frame, closes only for an oversized one, and stays up', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(raw(), { minLength: 1, maxLength: 6 }), async (frames) => {
          const s = await TestSocket.open(socketUrl(target()));
          try {
            for (const f of frames) if (!s.closed) s.send(f);
            if (!s.closed) s.send({ type: 'ping' });
            // The ping is handled after every frame before it: its pong says all were.
            await s.next('pong', () => true, 10_000).catch((err: Error) => {
              if (!s.closed || !ALLOWED_CLOSES.has(s.closed.code)) throw err;
            });
            for (const f of s.frames as ServerFrame[]) expect(['error', 'pong', 'ready', 'ack', 'answer.start', 'answer.delta', 'answer.end', 'handoff', 'agent.message']).toContain(f.type);
            expect(s.frames.some((f) => f.type === 'error' && f.code === 'internal')).toBe(false);
          } finally {
            s.close();
          }
        }),
        { numRuns: opts.runs, seed: 1204, endOnFailure: true },
      );
      expect(await history(victim.session, victim.resume)).toEqual(victim.history);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('answers every random POST /v1/chat body with a clear status, never a 500', async () => {
      const body = fc.oneof(
        fc.record(
          {
            site: fc.oneof(fc.constant('demo'), text, anything),
            session: fc.oneof(fc.constant(victim.session), text, anything),
            resume: fc.oneof(text, anything),
            id: fc.oneof(text, anything),
            text: fc.oneof(fc.constant('Do you ship internationally?'), text, anything),
          },
          { requiredKeys: [] },
        ).map((b) => JSON.stringify(b)),
        fc.json({ maxDepth: 3 }),
        text,
      );
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          const res = await fetch(`${target().url}/v1/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b });
          await res.text();
          expect(STATUSES.has(res.status), `status ${res.status} for ${b.slice(0, 200)}`).toBe(true);
        }),
        { numRuns: opts.runs * 2, seed: 1205, endOnFailure: true },
      );
      expect(await history(victim.session, victim.resume)).toEqual(victim.history);
    });
  });
}
