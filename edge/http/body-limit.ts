import { bodyLimit } from 'hono/body-limit';
import { MAX_FRAME_BYTES } from '@support-chat/protocol';

/** A refused body larger than this is cut off rather than read to the end. */
const DRAIN_LIMIT = 1 << 20;

/** A request body no larger than a frame: a huge one is refused before it is buffered. */
export const frameSizedBody = bodyLimit({
  maxSize: MAX_FRAME_BYTES,
  onError: async (c) => {
    await drain(c.req.raw.body, DRAIN_LIMIT);
    return c.json({ error: { code: 'too_long', message: `request body exceeds ${MAX_FRAME_BYTES} bytes` } }, 413);
  },
});

/**
 * Reads and drops a refused body (up to `limit` bytes). Answered with the body unread, the
 * connection broke under `wrangler dev`: the next request on it got "Your worker restarted
 * mid-request" (measured; cancelling the stream did not help).
 */
export async function drain(body: ReadableStream<Uint8Array> | null, limit: number): Promise<void> {
  // Locked when the limit was found while reading a body of unannounced length: it stopped there.
  if (!body || body.locked) return;
  const reader = body.getReader();
  try {
    for (let seen = 0; seen <= limit; ) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // A client that went away: nothing to drain.
  }
}
