import { clientFrame, MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, type ClientFrame, type ServerReply } from './frames';

export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; error: Extract<ServerReply, { type: 'error' }> };

const fail = (code: 'invalid_message' | 'too_long', message: string, ref?: string): ParseResult => ({
  ok: false,
  error: { type: 'error', code, message, ...(ref ? { ref } : {}) },
});

/**
 * Turns one raw client frame into a typed frame or an `error` reply that says what was wrong.
 * Never throws: a bad frame must not cost the socket.
 */
export function parseClientFrame(raw: string): ParseResult {
  if (exceedsFrameBytes(raw)) return fail('too_long', `frame exceeds ${MAX_FRAME_BYTES} bytes`);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail('invalid_message', 'frame is not valid JSON');
  }
  return checkClientFrame(data);
}

const utf8 = new TextEncoder();

/** The limit is in bytes as sent (UTF-8), not in UTF-16 code units. */
export function exceedsFrameBytes(raw: string): boolean {
  if (raw.length > MAX_FRAME_BYTES) return true;
  // At most three bytes a code unit: short frames need no counting.
  if (raw.length * 3 <= MAX_FRAME_BYTES) return false;
  return utf8.encode(raw).length > MAX_FRAME_BYTES;
}

/** The same for a frame already read from JSON (an HTTP request's body holds one). */
export function checkClientFrame(data: unknown): ParseResult {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('invalid_message', 'frame must be a JSON object');
  }
  const type = (data as { type?: unknown }).type;
  const ref = typeof (data as { id?: unknown }).id === 'string' ? (data as { id: string }).id : undefined;
  if (typeof type !== 'string') return fail('invalid_message', 'frame has no "type"', ref);
  const parsed = clientFrame.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'invalid_union' && issue.path.length === 1 && issue.path[0] === 'type') {
      return fail('invalid_message', `unknown frame type "${type.slice(0, 40)}"`, ref);
    }
    const where = issue?.path.length ? `"${issue.path.join('.')}"` : 'frame';
    return fail('invalid_message', `${type}: ${where} ${issue?.message ?? 'is invalid'}`, ref);
  }
  const frame = withoutNul(parsed.data);
  if (frame.type === 'message') {
    if (frame.text.trim().length === 0) return fail('invalid_message', 'message: "text" is empty', frame.id);
    if (frame.text.length > MAX_MESSAGE_CHARS) {
      return fail('too_long', `message: "text" exceeds ${MAX_MESSAGE_CHARS} characters`, frame.id);
    }
  }
  return { ok: true, frame };
}

/**
 * A NUL character cannot be stored as Postgres text: a message holding one (a paste from a
 * binary file, a broken keyboard macro) would fail to save on every resend. It says nothing, so
 * it is dropped from what people write; identifiers are left for the server to refuse.
 */
function withoutNul(frame: ClientFrame): ClientFrame {
  const strip = (s: string) => (s.includes('\u0000') ? s.replaceAll('\u0000', '') : s);
  switch (frame.type) {
    case 'message':
      return { ...frame, text: strip(frame.text) };
    case 'feedback':
      return frame.comment === undefined ? frame : { ...frame, comment: strip(frame.comment) };
    case 'handoff':
      return frame.reason === undefined ? frame : { ...frame, reason: strip(frame.reason) };
    default:
      return frame;
  }
}
