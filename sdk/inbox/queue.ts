/**
 * The queue's rules, pure: which tickets come first, what each row says about its age and who
 * holds it, and one-line previews.
 */
import type { TicketSummary } from '@support-chat/protocol/inbox';

/**
 * Open tickets: high priority first, then the longest waiting (as the server pages them);
 * closed ones: most recently changed first.
 */
export function orderQueue(items: readonly TicketSummary[], status: 'open' | 'closed'): TicketSummary[] {
  const t = (s: string) => Date.parse(s) || 0;
  return [...items].sort((a, b) =>
    status === 'open'
      ? rank(a) - rank(b) || t(a.createdAt) - t(b.createdAt) || a.number - b.number
      : t(b.updatedAt) - t(a.updatedAt) || b.number - a.number,
  );
}

const rank = (t: TicketSummary) => (t.priority === 'high' ? 0 : 1);

/** Pages joined: a ticket that moved between two fetches is listed once (its newest copy). */
export function mergePages(pages: readonly (readonly TicketSummary[])[]): TicketSummary[] {
  const byId = new Map<string, TicketSummary>();
  for (const page of pages) for (const t of page) byId.set(t.id, t);
  return [...byId.values()];
}

/** "just now", "4 min", "3 h", "2 d": how long since `iso`. */
export function ageLabel(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (!Number.isFinite(s) || s < 60) return 'just now';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** The same, for a screen reader and a tooltip: "waiting 4 minutes". */
export function ageWords(iso: string, now = Date.now()): string {
  const label = ageLabel(iso, now);
  if (label === 'just now') return label;
  const [n, unit] = label.split(' ');
  const word = { min: 'minute', h: 'hour', d: 'day' }[unit] ?? unit;
  return `${n} ${word}${n === '1' ? '' : 's'} ago`;
}

export type Holder = { kind: 'mine'; label: string } | { kind: 'other'; label: string } | { kind: 'none'; label: string };

/** Who holds the ticket, as seen by the agent `me`. */
export function holder(t: Pick<TicketSummary, 'assignee' | 'status'>, me: string | undefined): Holder {
  if (!t.assignee) return { kind: 'none', label: t.status === 'closed' ? 'closed' : 'waiting' };
  if (t.assignee.id === me) return { kind: 'mine', label: 'yours' };
  return { kind: 'other', label: `taken by ${t.assignee.name}` };
}

/** One line: whitespace collapsed, cut at `max` characters with an ellipsis. */
export function oneLine(text: string | null | undefined, max = 120): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** Waiting tickets nobody holds: the number the tab's title shows. */
export function waitingCount(items: readonly TicketSummary[]): number {
  return items.filter((t) => t.status !== 'closed' && !t.assignee).length;
}
