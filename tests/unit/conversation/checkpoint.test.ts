import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Deps } from '../../../edge/core/deps';
import { SessionLog } from '../../../edge/conversation/session-log';
import { runTurn } from '../../../edge/conversation/turn';
import { MemorySessionStore } from '../../../edge/stores/memory/session-store';
import { demoDeps } from '../../helpers/deps';

let deps: Deps;
let close: () => Promise<void>;
let log: SessionLog;

beforeAll(async () => {
  ({ deps, close } = await demoDeps({ EMBEDDING_MODEL: 'local-hash-384' }));
  log = new SessionLog(deps.db, new MemorySessionStore({ clock: deps.clock }));
});
afterAll(() => close());

async function turn(session: string, messageId: string, text: string): Promise<void> {
  await deps.db.messages.add({ id: `m-${messageId}`, conversationId: session, role: 'user', clientId: messageId, replyTo: null, text, intent: null, citations: [], confidence: null });
  await runTurn(deps, log, { siteId: 'demo', session, messageId, text });
}

describe("a turn's seq checkpoint (numbering that survives a restart)", () => {
  it('is written with the answer when answer.end is the last event: no write of its own', async () => {
    await deps.db.conversations.create({ id: 'cp1', siteId: 'demo' });
    const own = vi.spyOn(deps.db.conversations, 'setLastSeq');
    try {
      await turn('cp1', 'q1', 'Do you ship internationally?');
      await turn('cp1', 'q2', 'How long does a refund take?');
      expect(own).not.toHaveBeenCalled();
    } finally {
      own.mockRestore();
    }
    // answer.start, a delta or more, and answer.end per turn: all numbered, the last one stored.
    expect(log.current('cp1')).toBeGreaterThanOrEqual(6);
    expect((await deps.db.conversations.get('cp1'))!.lastSeq).toBe(log.current('cp1'));
  });

  it('is written after the answer when events follow its end (a ticket opened)', async () => {
    await deps.db.conversations.create({ id: 'cp2', siteId: 'demo' });
    const own = vi.spyOn(deps.db.conversations, 'setLastSeq');
    try {
      await turn('cp2', 'q1', 'I want to talk to a human please');
      expect(own).toHaveBeenCalledTimes(1);
    } finally {
      own.mockRestore();
    }
    expect((await deps.db.conversations.get('cp2'))!.lastSeq).toBe(log.current('cp2'));
  });

  it('an event between the answer and its end (another process, an agent) is checkpointed too', async () => {
    await deps.db.conversations.create({ id: 'cp3', siteId: 'demo' });
    const add = deps.db.messages.add.bind(deps.db.messages);
    // Something else is numbered while the answer is stored: the end takes a later seq.
    const spy = vi.spyOn(deps.db.messages, 'add').mockImplementation(async (row, opts) => {
      await add(row, opts);
      if (row.role === 'assistant') await log.emit('cp3', { type: 'agent.message', id: 'ag1', text: 'Hi, Sam here.', agent: { name: 'Sam' } });
    });
    try {
      await turn('cp3', 'q1', 'Do you ship internationally?');
    } finally {
      spy.mockRestore();
    }
    expect((await deps.db.conversations.get('cp3'))!.lastSeq).toBe(log.current('cp3'));
  });
});
