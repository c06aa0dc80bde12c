import { describe, expect, it } from 'vitest';
import { exceedsFrameBytes, MAX_FRAME_BYTES } from '@support-chat/protocol';

describe('the frame limit counts UTF-8 bytes, as sent', () => {
  it('refuses a frame of fewer characters than the limit but more bytes', () => {
    const euros = JSON.stringify('€'.repeat(Math.ceil(MAX_FRAME_BYTES / 3)));
    expect(euros.length).toBeLessThan(MAX_FRAME_BYTES);
    expect(exceedsFrameBytes(euros)).toBe(true);
    expect(exceedsFrameBytes('y'.repeat(MAX_FRAME_BYTES))).toBe(false);
    expect(exceedsFrameBytes('y'.repeat(MAX_FRAME_BYTES + 1))).toBe(true);
    expect(exceedsFrameBytes('€'.repeat(Math.floor(MAX_FRAME_BYTES / 3)))).toBe(false);
  });
});
