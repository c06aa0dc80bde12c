import { describe, expect, it } from 'vitest';
import { parseText } from '../../../edge/ingest/parse/text';

describe('parseText', () => {
  it('takes the first short line as the title and short standalone lines as headings', () => {
    const txt = 'Care guide\n\nIntro paragraph. It has two sentences.\n\nTents\n\nDry them.\nStore loose.\n\nNeed help?\n\nWrite to us.';
    const [doc] = parseText('care.txt', txt).documents;
    expect(doc).toMatchObject({ source: 'care.txt', kind: 'doc', title: 'Care guide', url: null });
    expect(doc.sections).toEqual([
      { headings: [], text: 'Intro paragraph. It has two sentences.' },
      { headings: ['Tents'], text: 'Dry them.\nStore loose.' },
      { headings: ['Need help?'], text: 'Write to us.' },
    ]);
  });

  it('keeps sentences and list items as text, and uses the file name when the first line is a paragraph', () => {
    const txt = 'This first paragraph is a full sentence, so it is not a title.\n\n- a list item\n\nThe end.';
    const [doc] = parseText('notes/store-hours.txt', txt).documents;
    expect(doc.title).toBe('Store hours');
    expect(doc.sections).toEqual([{ headings: [], text: txt }]);
  });

  it('refuses empty and binary files, naming them', () => {
    expect(() => parseText('empty.txt', ' \n\n ')).toThrow('empty.txt: has no text to index');
    expect(() => parseText('image.txt', 'GIF89a\u0000\u0001')).toThrow('image.txt: looks like a binary file');
  });
});
