/** The `intents` site setting: what a site's own intents do, and the one-tap questions they bring. */
import { describe, expect, it } from 'vitest';
import { applySettings, parseSetting, readSettings, settingText } from '../../../edge/core/sites/settings';

const ACTIONS = {
  cancel_subscription: { action: 'ticket' },
  where_is_my_order: { action: 'order', suggestions: ['Where is my order?'] },
  opening_hours: { action: 'reply', reply: 'We are open 9–17, Monday to Friday.' },
  warranty_claim: { action: 'answer' },
};

describe('the intents setting', () => {
  it('maps intent names to answer, ticket, order or a fixed reply, from JSON on the command line', () => {
    expect(parseSetting(`intents=${JSON.stringify(ACTIONS)}`)).toEqual({ name: 'intents', value: ACTIONS });
    expect(parseSetting('intents=')).toEqual({ name: 'intents', value: undefined });
    expect(applySettings({ requireKey: true }, { intents: ACTIONS })).toEqual({ requireKey: true, intents: ACTIONS });
    // Shown the way it is typed back in.
    expect(parseSetting(`intents=${settingText(ACTIONS)}`).value).toEqual(ACTIONS);
  });

  it('says which intent is wrong and why', () => {
    expect(() => parseSetting('intents=cancel:ticket')).toThrow('intents: "cancel:ticket" is not valid (must be a JSON object)');
    expect(() => parseSetting('intents={"cancel":{"action":"refund"}}')).toThrow(/\(cancel\.action: must be answer, ticket, order or reply\)/);
    expect(() => parseSetting('intents={"hours":{"action":"reply"}}')).toThrow(/hours: a "reply" action needs its text in "reply", and only a "reply" action takes one/);
    expect(() => parseSetting('intents={"x":{"action":"ticket","reply":"Hi"}}')).toThrow(/only a "reply" action takes one/);
    expect(() => parseSetting('intents={"Cancel Plan":{"action":"ticket"}}')).toThrow(/intent names are lowercase letters, digits/);
    expect(() => parseSetting('intents={"a":{"action":"answer","suggestions":["1","2","3","4","5"]}}')).toThrow(/a\.suggestions: must hold at most 4 questions/);
    expect(() => parseSetting('intents={"a":{"action":"answer","colour":"red"}}')).toThrow(/intents: .* is not valid/);
    expect(() => applySettings({}, { intents: { a: { action: 'nope' } } })).toThrow('setting "intents.a.action" must be answer, ticket, order or reply');
  });

  it('drops a malformed stored value rather than fail the site', () => {
    expect(readSettings({ intents: { a: { action: 'nope' } }, replyTime: 'day' })).toEqual({ replyTime: 'day' });
    expect(readSettings({ intents: ACTIONS })).toEqual({ intents: ACTIONS });
  });
});
