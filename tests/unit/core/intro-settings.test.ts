/** The settings behind the widget's empty panel (`ready.intro`): avatarUrl, replyTime, suggestions. */
import { describe, expect, it } from 'vitest';
import { applySettings, parseSetting, readSettings, settingText } from '../../../edge/core/sites/settings';

describe('avatarUrl', () => {
  it('takes https anywhere and http only on this machine, as webhookUrl does', () => {
    expect(parseSetting('avatarUrl=https://shop.example/logo.png')).toEqual({ name: 'avatarUrl', value: 'https://shop.example/logo.png' });
    expect(parseSetting('avatarUrl=http://localhost:5173/logo.png').value).toBe('http://localhost:5173/logo.png');
    expect(parseSetting('avatarUrl=http://127.0.0.1/a.svg').value).toBe('http://127.0.0.1/a.svg');
    expect(parseSetting('avatarUrl=')).toEqual({ name: 'avatarUrl', value: undefined });
    expect(() => parseSetting('avatarUrl=http://shop.example/logo.png')).toThrow(/avatarUrl: .*must be an https URL \(http only for localhost or 127\.0\.0\.1\)/);
    expect(() => parseSetting('avatarUrl=logo.png')).toThrow(/avatarUrl: "logo.png" is not valid/);
    expect(() => applySettings({}, { avatarUrl: 'javascript:alert(1)' })).toThrow(/setting "avatarUrl" must be an https URL/);
    expect(() => applySettings({}, { avatarUrl: 42 })).toThrow(/setting "avatarUrl"/);
    expect(applySettings({}, { avatarUrl: '  https://shop.example/a.png ' })).toEqual({ avatarUrl: 'https://shop.example/a.png' });
  });
});

describe('replyTime', () => {
  it('is one of minutes, hour, hours or day', () => {
    for (const v of ['minutes', 'hour', 'hours', 'day']) expect(parseSetting(`replyTime=${v}`)).toEqual({ name: 'replyTime', value: v });
    expect(parseSetting('replyTime=')).toEqual({ name: 'replyTime', value: undefined });
    expect(() => parseSetting('replyTime=weeks')).toThrow('replyTime: "weeks" is not valid (must be minutes, hour, hours or day)');
    expect(() => applySettings({}, { replyTime: 'soon' })).toThrow('setting "replyTime" must be minutes, hour, hours or day');
    expect(() => applySettings({}, { replyTime: 2 })).toThrow('setting "replyTime" must be minutes, hour, hours or day');
    expect(applySettings({ requireKey: true }, { replyTime: 'hours' })).toEqual({ requireKey: true, replyTime: 'hours' });
  });
});

describe('suggestions', () => {
  it('from the command line: questions split by "|", or a JSON array; [] shows none, name= unsets', () => {
    expect(parseSetting('suggestions=Where is my order? | How do returns work?')).toEqual({ name: 'suggestions', value: ['Where is my order?', 'How do returns work?'] });
    expect(parseSetting('suggestions=["Is A|B in stock?"]').value).toEqual(['Is A|B in stock?']);
    expect(parseSetting('suggestions=[]')).toEqual({ name: 'suggestions', value: [] });
    expect(parseSetting('suggestions=')).toEqual({ name: 'suggestions', value: undefined });
  });

  it('says which question is wrong and why', () => {
    expect(() => parseSetting('suggestions=a|b|c|d|e')).toThrow('suggestions: "a|b|c|d|e" is not valid (must hold at most 4 questions)');
    expect(() => parseSetting('suggestions=Where is my order?||Returns?')).toThrow('suggestions: "Where is my order?||Returns?" is not valid (item 2 must not be empty)');
    expect(() => parseSetting(`suggestions=${'x'.repeat(121)}`)).toThrow(/item 1 must be at most 120 characters/);
    expect(() => parseSetting('suggestions=[1]')).toThrow(/item 1 must be text/);
    expect(() => parseSetting('suggestions=[broken')).toThrow(/suggestions: .*is not valid/);
  });

  it('through the admin API: a JSON list, trimmed; null unsets, [] shows none', () => {
    expect(applySettings({}, { suggestions: ['  Where is my order? ', 'Returns?'] })).toEqual({ suggestions: ['Where is my order?', 'Returns?'] });
    expect(applySettings({ suggestions: ['a'] }, { suggestions: [] })).toEqual({ suggestions: [] });
    expect(applySettings({ suggestions: ['a'] }, { suggestions: null })).toEqual({});
    expect(() => applySettings({}, { suggestions: 'Where is my order?' })).toThrow('setting "suggestions" must be a list of questions');
    expect(() => applySettings({}, { suggestions: ['ok', '   '] })).toThrow('setting "suggestions[1]" must not be empty');
    expect(() => applySettings({}, { suggestions: ['a', 'b', 'c', 'd', 'e'] })).toThrow('setting "suggestions" must hold at most 4 questions');
    expect(() => applySettings({}, { suggestions: ['x'.repeat(121)] })).toThrow('setting "suggestions[0]" must be at most 120 characters');
    expect(applySettings({}, { suggestions: ['x'.repeat(120)] }).suggestions).toHaveLength(1);
  });

  it('read back from the database, a malformed value is dropped; shown as the CLI takes it', () => {
    expect(readSettings({ suggestions: ['a', ''], replyTime: 'soon', avatarUrl: 'http://x.example/a.png', eraseOnReset: true })).toEqual({ eraseOnReset: true });
    expect(readSettings({ suggestions: ['a'], replyTime: 'day', avatarUrl: 'https://x.example/a.png' })).toEqual({ suggestions: ['a'], replyTime: 'day', avatarUrl: 'https://x.example/a.png' });
    expect(settingText(['Where is my order?', 'Returns?'])).toBe('Where is my order?|Returns?');
    expect(settingText([])).toBe('[]');
    expect(settingText(['A|B'])).toBe('["A|B"]');
    expect(settingText(true)).toBe('true');
    for (const list of [['a', 'b'], [], ['A|B']]) expect(parseSetting(`suggestions=${settingText(list)}`).value).toEqual(list);
  });
});
