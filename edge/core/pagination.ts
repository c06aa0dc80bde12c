/**
 * Cursor pagination for every list the APIs return. A cursor names the last row a page held
 * by its sort key and id, so a page stays right while rows are added (offsets would skip or
 * repeat them). Opaque to callers: base64url JSON, checked when read back.
 */
export interface Cursor {
  /** The last row's sort key: an ISO time or a number, as the list orders by. */
  key: string | number;
  id: string;
}

export interface PageRequest {
  limit: number;
  after: Cursor | null;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

export class BadCursor extends Error {}

export function encodeCursor(c: Cursor): string {
  return toBase64Url(JSON.stringify([c.key, c.id]));
}

export function decodeCursor(raw: string): Cursor {
  try {
    const [key, id] = JSON.parse(fromBase64Url(raw)) as unknown[];
    if ((typeof key === 'string' || typeof key === 'number') && typeof id === 'string') return { key, id };
  } catch {
    // Falls through to the one message below.
  }
  throw new BadCursor('"cursor" is not one this API gave (pass the "next" of the previous page as it was)');
}

/** `limit` and `cursor` as given in a query string; throws BadCursor with a message to show. */
export function pageRequest(query: { limit?: string; cursor?: string }): PageRequest {
  let limit = DEFAULT_PAGE;
  if (query.limit !== undefined && query.limit !== '') {
    const n = Number(query.limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw new BadCursor(`"limit" must be a whole number from 1 to ${MAX_PAGE}`);
    limit = n;
  }
  return { limit, after: query.cursor ? decodeCursor(query.cursor) : null };
}

/**
 * A page from `limit + 1` rows read in order: the extra row only says there is more, and the
 * page's last row becomes the cursor.
 */
export function pageOf<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor): { items: T[]; next: string | null } {
  const items = rows.slice(0, limit);
  const next = rows.length > limit && items.length > 0 ? encodeCursor(cursorOf(items[items.length - 1]!)) : null;
  return { items, next };
}

function toBase64Url(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): string {
  const bin = atob(s.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
}
