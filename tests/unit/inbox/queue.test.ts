/** The queue's rules (sdk/inbox/queue.ts): order, ages, who holds a ticket, one-line previews. */
import { describe, expect, it } from 'vitest';
import type { TicketSummary } from '@support-chat/protocol/inbox';
import { ageLabel, ageWords, holder, mergePages, oneLine, orderQueue, waitingCount } from '../../../sdk/inbox/queue';

const ticket = (n: number, over: Partial<TicketSummary> = {}): TicketSummary => ({
  id: `t${n}`,
  number: n,
  siteId: 'demo',
  conversationId: `s${n}`,
  status: 'open',
  priority: 'normal',
  reason: null,
  assignee: null,
  firstQuestion: 'Q',
  lastAnswer: 'A',
  contactEmail: null,
  createdAt: '2026-12-04T10:00:00.000Z',
  updatedAt: '2026-12-04T10:00:00.000Z',
  ...over,
});

describe('inbox queue', () => {
  it('open: high priority first, then the longest waiting; closed: the latest first', () => {
    const items = [
      ticket(1, { createdAt: '2026-12-04T10:05:00Z' }),
      ticket(2, { createdAt: '2026-12-04T10:01:00Z' }),
      ticket(3, { createdAt: '2026-12-04T10:09:00Z', priority: 'high' }),
    ];
    expect(orderQueue(items, 'open').map((t) => t.number)).toEqual([3, 2, 1]);
    const closed = [ticket(4, { updatedAt: '2026-12-04T09:00:00Z' }), ticket(5, { updatedAt: '2026-12-04T11:00:00Z' })];
    expect(orderQueue(closed, 'closed').map((t) => t.number)).toEqual([5, 4]);
  });

  it('pages joined list a ticket once, as the later page has it', () => {
    const merged = mergePages([[ticket(1), ticket(2)], [ticket(2, { assignee: { id: 'a', name: 'Alex' } }), ticket(3)]]);
    expect(merged.map((t) => t.number)).toEqual([1, 2, 3]);
    expect(merged[1].assignee?.name).toBe('Alex');
  });

  it('ages read "just now", "4 min", "3 h", "2 d"', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(ageLabel('2026-12-04T11:59:30Z', now)).toBe('just now');
    expect(ageLabel('2026-12-04T11:56:00Z', now)).toBe('4 min');
    expect(ageLabel('2026-12-04T09:00:00Z', now)).toBe('3 h');
    expect(ageLabel('2026-12-02T11:00:00Z', now)).toBe('2 d');
    expect(ageLabel('2026-12-04T12:00:09Z', now)).toBe('just now'); // a clock a little ahead
    expect(ageWords('2026-12-04T11:59:00Z', now)).toBe('1 minute ago');
    expect(ageWords('2026-12-04T09:00:00Z', now)).toBe('3 hours ago');
  });

  it('who holds it: "yours", "taken by <name>", or waiting', () => {
    expect(holder(ticket(1, { assignee: { id: 'me', name: 'Alex' } }), 'me')).toEqual({ kind: 'mine', label: 'yours' });
    expect(holder(ticket(1, { assignee: { id: 'sam', name: 'Sam' } }), 'me')).toEqual({ kind: 'other', label: 'taken by Sam' });
    expect(holder(ticket(1), 'me').kind).toBe('none');
    expect(waitingCount([ticket(1), ticket(2, { assignee: { id: 'me', name: 'A' } }), ticket(3, { status: 'closed' })])).toBe(1);
  });

  it('previews are one line, cut with an ellipsis', () => {
    expect(oneLine('  two\n\nlines  ')).toBe('two lines');
    expect(oneLine('x'.repeat(200), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(oneLine(null)).toBe('');
  });
});
