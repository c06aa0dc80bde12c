import { describe, expect, it } from 'vitest';
import { consoleLogger } from '../../../edge/ops/logger';
import { redact } from '../../../edge/ops/redact';

describe('redact: what never reaches a log line', () => {
  it('strips credentials from URLs, keeping scheme, host and path', () => {
    expect(redact('vectors Qdrant at http://admin:s3cret@qdrant.local:6333/x')).toBe('vectors Qdrant at http://***@qdrant.local:6333/x');
    expect(redact('postgres://user@db.example/app and rediss://:pw@cache:6380')).toBe('postgres://***@db.example/app and rediss://***@cache:6380');
    expect(redact('GET /v1/x?api_key=zzz&site=demo&token=abc')).toBe('GET /v1/x?api_key=[redacted]&site=demo&token=[redacted]');
  });

  it('hides tokens, emails, card numbers and phone numbers', () => {
    expect(redact('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [token]');
    expect(redact('key sk-proj-abcdefghijklmnop1234')).toBe('key [token]');
    expect(redact('jwt eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4')).toBe('jwt [token]');
    expect(redact('from bob.smith+x@example.co.uk')).toBe('from [email]');
    expect(redact('card 4111 1111 1111 1111, 4242424242424242')).toBe('card [card], [card]');
    expect(redact('call +44 20 7946 0958 or (555) 123-4567 or 555-123-4567')).toBe('call [phone] or [phone] or [phone]');
  });

  it('leaves ordinary figures alone: ids, times, order numbers, addresses', () => {
    const line = 'order 10421 took 12.5 ms at 2026-12-04T03:05:25.123Z ts=1733286000000 on 127.0.0.1:8787 session=s_abc';
    expect(redact(line)).toBe(line);
    expect(redact('ready: open http://localhost:8787')).toBe('ready: open http://localhost:8787');
  });

  it('is applied to every line the logger writes, text and JSON', () => {
    const lines: string[] = [];
    const sink = (l: string) => lines.push(l);
    consoleLogger({ sink }).error('provider failed', { url: 'https://u:p@api.example/v1', who: 'ann@example.com' });
    consoleLogger({ sink, json: true }).info('lookup', { email: 'ann@example.com', nested: { dsn: 'https://k:s@o.example/1' } });
    expect(lines[0]).toBe('ERROR provider failed  url=https://***@api.example/v1 who=[email]');
    expect(JSON.parse(lines[1])).toMatchObject({ email: '[email]', nested: { dsn: 'https://***@o.example/1' } });
  });
});
