/**
 * The webhook body: a Slack message (`text`, `blocks`) with the machine-readable `event`, for
 * each event; and the two site settings behind notifications, as `npm run site -- set` parses
 * them.
 */
import { describe, expect, it } from 'vitest';
import { buildPayload } from '../../edge/notify/payload';
import { applySettings, DEFAULT_OFFLINE_AFTER_MINUTES, offlineAfterMinutes, parseSetting, readSettings } from '../../edge/core/sites/settings';

const ctx = { deliveryId: 'whd_1', site: { id: 'acme', name: 'acme' }, at: new Date('2026-12-01T10:00:00Z') };
const ticket = { id: 'tkt_9', number: 1042, priority: 'normal' as const };

describe('webhook payloads', () => {
  it('a new ticket: a one-line summary, fields, the inbox link and the event', () => {
    const p = buildPayload({ type: 'ticket.opened', conversation: 'c_1', ticket, text: 'Where is\nmy order?', reason: 'asked for a person' }, { ...ctx, publicUrl: 'https://support.acme.example/' });
    expect(p.text).toBe('New ticket #1042 on acme: “Where is my order?”');
    expect(p.event).toEqual({
      id: 'whd_1',
      type: 'ticket.opened',
      site: 'acme',
      at: '2026-12-01T10:00:00.000Z',
      conversation: 'c_1',
      ticket: { id: 'tkt_9', number: 1042, priority: 'normal', url: 'https://support.acme.example/agent#t=tkt_9' },
      text: 'Where is\nmy order?',
      reason: 'asked for a person',
    });
    expect(JSON.stringify(p.blocks)).toContain('<https://support.acme.example/agent#t=tkt_9|Open in the inbox>');
    expect(p.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: p.text } });
  });

  it('escapes Slack control characters and cuts long quotes; no link without a public URL', () => {
    const p = buildPayload({ type: 'ticket.visitor_reply', conversation: 'c_1', ticket, text: `<@channel> & ${'x'.repeat(300)}` }, ctx);
    expect(p.text.startsWith('Visitor replied on ticket #1042 on acme: “&lt;@channel&gt; &amp; x')).toBe(true);
    expect(p.text.length).toBeLessThan(220);
    expect(p.text.endsWith('…”')).toBe(true);
    expect(p.event.text).toBe(`<@channel> & ${'x'.repeat(300)}`);
    expect(JSON.stringify(p)).not.toContain('/agent#t=');
  });

  it('a low rating names the answer, the question and the comment', () => {
    const p = buildPayload({ type: 'answer.low_rating', conversation: 'c_2', answerId: 'a_1', text: 'We ship in 3 days.', question: 'When do you ship?', comment: 'wrong' }, ctx);
    expect(p.text).toBe('Answer rated down on acme: “We ship in 3 days.”');
    expect(p.event).toMatchObject({ type: 'answer.low_rating', answerId: 'a_1', question: 'When do you ship?', comment: 'wrong', conversation: 'c_2' });
    expect(p.event.ticket).toBeUndefined();
  });

  it('an offline reply carries the contact email and the agent reply for the site to send', () => {
    const p = buildPayload(
      { type: 'ticket.offline_reply', conversation: 'c_3', ticket, contactEmail: 'ann@example.com', text: 'Your parcel left today.\nSorry!', agent: { id: 'ag_1', name: 'Sam' } },
      ctx,
    );
    expect(p.text).toBe('Reply to email for ticket #1042 on acme (to ann@example.com)');
    expect(p.event).toMatchObject({ type: 'ticket.offline_reply', contact: { email: 'ann@example.com' }, text: 'Your parcel left today.\nSorry!', agent: { id: 'ag_1', name: 'Sam' } });
    expect(JSON.stringify(p.blocks)).toContain('> Your parcel left today.\\n> Sorry!');
  });
});

describe('notification settings', () => {
  it('webhookUrl: https anywhere, http only to this machine; text as typed', () => {
    expect(parseSetting('webhookUrl=https://hooks.slack.com/services/T/B/x')).toEqual({ name: 'webhookUrl', value: 'https://hooks.slack.com/services/T/B/x' });
    expect(parseSetting('webhookUrl=http://127.0.0.1:9000/hook').value).toBe('http://127.0.0.1:9000/hook');
    expect(parseSetting('webhookUrl=http://localhost/hook').value).toBe('http://localhost/hook');
    expect(parseSetting('webhookUrl=')).toEqual({ name: 'webhookUrl', value: undefined });
    expect(() => parseSetting('webhookUrl=http://hooks.example/x')).toThrow(/webhookUrl: .*must be an https URL \(http only for localhost or 127\.0\.0\.1\)/);
    expect(() => parseSetting('webhookUrl=not a url')).toThrow(/https URL/);
    expect(() => applySettings({}, { webhookUrl: 'ftp://x.example' })).toThrow(/setting "webhookUrl" must be an https URL/);
    expect(readSettings({ webhookUrl: 'http://evil.example', requireKey: true })).toEqual({ requireKey: true });
  });

  it('offlineAfterMinutes: a whole number of minutes from 1 to 1440, default 10', () => {
    expect(parseSetting('offlineAfterMinutes=15')).toEqual({ name: 'offlineAfterMinutes', value: 15 });
    expect(() => parseSetting('offlineAfterMinutes=0')).toThrow(/offlineAfterMinutes/);
    expect(() => parseSetting('offlineAfterMinutes=1441')).toThrow(/offlineAfterMinutes/);
    expect(() => parseSetting('offlineAfterMinutes=2.5')).toThrow(/offlineAfterMinutes/);
    expect(DEFAULT_OFFLINE_AFTER_MINUTES).toBe(10);
    expect(offlineAfterMinutes(undefined)).toBe(10);
    expect(offlineAfterMinutes({ offlineAfterMinutes: 3 })).toBe(3);
  });
});
