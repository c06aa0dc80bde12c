/** A site's labelled rows (edge/intents/rows.ts): what the CLI and the admin API accept and how they refuse. */
import { describe, expect, it } from 'vitest';
import { checkRows, checkTrainable, intentName, parseRowsCsv, RowsError } from '../../../edge/intents/rows';

describe('labelled rows', () => {
  it('reads text,label CSV in any column order, labels as intent names', () => {
    const csv = '\uFEFFlabel,text,notes\nCancel subscription,"Please cancel my plan, thanks",x\nwarranty_claim,  My kettle broke after a month  ,\noos,what is the weather,\n';
    expect(parseRowsCsv(csv)).toEqual([
      { text: 'Please cancel my plan, thanks', label: 'cancel_subscription' },
      { text: 'My kettle broke after a month', label: 'warranty_claim' },
      { text: 'what is the weather', label: 'oos' },
    ]);
    expect(intentName('  Change / Delivery Address ')).toBe('change_delivery_address');
  });

  it('names the line of a bad row and the rule it breaks', () => {
    expect(() => parseRowsCsv('question,answer\na,b\n', 'faq.csv')).toThrow('faq.csv needs the columns "text" and "label" (its header row: question,answer)');
    expect(() => parseRowsCsv('text,label\nhello,greeting\n ,greeting\n', 'a.csv')).toThrow(new RowsError('a.csv, line 3: the text is empty'));
    expect(() => parseRowsCsv('text,label\nhello,Grüße!\n', 'a.csv')).toThrow(/a\.csv, line 2: the label "Grüße!" is not an intent name \(lowercase letters/);
    expect(() => parseRowsCsv('text,label\n"unclosed,greeting\n', 'a.csv')).toThrow(/a\.csv is not valid CSV/);
    expect(() => parseRowsCsv('', 'a.csv')).toThrow('a.csv is empty: expected a header row "text,label"');
    expect(() => parseRowsCsv(`text,label\n${'x'.repeat(4001)},a\n`, 'a.csv')).toThrow('a.csv, line 2: the text is 4001 characters, at most 4000 (a message\'s limit)');
    expect(() => checkRows([{ text: 'hi' }])).toThrow('rows, row 1: must have "text" and "label"');
    expect(() => checkRows({})).toThrow('rows must be a list of { "text", "label" }');
    expect(() => checkRows([])).toThrow('rows has no rows');
  });

  it('trains only with two intents or more, each with five examples', () => {
    const rows = (label: string, n: number) => Array.from({ length: n }, (_, i) => ({ text: `${label} ${i}`, label }));
    expect(() => checkTrainable([...rows('a', 9), ...rows('oos', 9)])).toThrow('rows names 1 intent: training needs two or more (rows labelled "oos" are out of scope, not an intent)');
    expect(() => checkTrainable([...rows('a', 9), ...rows('b', 4), ...rows('c', 2)])).toThrow('rows: each intent needs 5 examples or more; these have fewer: b (4), c (2)');
    expect(() => checkTrainable([...rows('a', 5), ...rows('b', 5)])).not.toThrow();
  });
});
