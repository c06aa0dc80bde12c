import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../edge/ingest/parse/csv';

describe('parseCsv', () => {
  it('reads FAQ rows as one faq document each, keyed by a slug of the question', () => {
    const csv = 'Question,Answer,URL\n"How long, roughly?","Three days.\nUsually.",/help/shipping\nWhat is this?,A test.,\nWhat is this?,A duplicate question.,\n';
    const file = parseCsv('data/faq.csv', csv);
    expect(file.products).toEqual([]);
    expect(file.documents).toEqual([
      {
        source: 'data/faq.csv#how-long-roughly',
        kind: 'faq',
        title: 'How long, roughly?',
        url: '/help/shipping',
        sections: [{ headings: [], text: 'How long, roughly?\nThree days.\nUsually.' }],
      },
      { source: 'data/faq.csv#what-is-this', kind: 'faq', title: 'What is this?', url: null, sections: [{ headings: [], text: 'What is this?\nA test.' }] },
      expect.objectContaining({ source: 'data/faq.csv#what-is-this-2' }),
    ]);
  });

  it('reads product rows as products and product documents, with prices in cents', () => {
    const csv = [
      'sku,name,description,price,currency,stock,url',
      'T-1,Tent,A tent.,349.00,usd,14,/products/tent',
      'P-2,Pot,,"1,064.5",,0,',
      'S-3,Stove,Small.,54,EUR,,',
    ].join('\n');
    const file = parseCsv('products.csv', csv);
    expect(file.products).toEqual([
      { sku: 'T-1', name: 'Tent', description: 'A tent.', priceCents: 34900, currency: 'USD', stock: 14, url: '/products/tent' },
      { sku: 'P-2', name: 'Pot', description: '', priceCents: 106450, currency: 'USD', stock: 0, url: null },
      { sku: 'S-3', name: 'Stove', description: 'Small.', priceCents: 5400, currency: 'EUR', stock: 0, url: null },
    ]);
    expect(file.documents.map((d) => [d.source, d.kind, d.title, d.url])).toEqual([
      ['products.csv#T-1', 'product', 'Tent', '/products/tent'],
      ['products.csv#P-2', 'product', 'Pot', null],
      ['products.csv#S-3', 'product', 'Stove', null],
    ]);
    expect(file.documents[0].sections[0].text).toBe('Tent\nA tent.\nPrice: $349.00 (USD)\nAvailability: in stock\nSKU: T-1');
    expect(file.documents[1].sections[0].text).toContain('Availability: out of stock');
  });

  it('names the file and the expected headers when the headers match nothing', () => {
    expect(() => parseCsv('misc.csv', 'title,body\na,b\n')).toThrow(
      /^misc\.csv: headers "title", "body" match no known CSV; expected question,answer\[,url\] for FAQs or sku,name,price/,
    );
  });

  it('names an unknown column in a recognised CSV', () => {
    expect(() => parseCsv('products.csv', 'sku,name,price,descripton\nA,B,1.00,x\n')).toThrow(
      'products.csv: unknown column "descripton" in a product CSV; allowed: sku, name, price, description, currency, stock, url',
    );
  });

  it('names the line and column of a bad value', () => {
    expect(() => parseCsv('products.csv', 'sku,name,price\nA,B,1.00\nC,D,12.345\n')).toThrow(/^products\.csv: line 3, column "price": "12\.345" is not an amount/);
    expect(() => parseCsv('products.csv', 'sku,name,price,stock\nA,B,1.00,-2\n')).toThrow(/^products\.csv: line 2, column "stock"/);
    expect(() => parseCsv('faq.csv', 'question,answer\nQ1,\n')).toThrow(/^faq\.csv: line 2, column "answer"/);
    expect(() => parseCsv('faq.csv', 'question,answer,url\nQ1,A1,help page\n')).toThrow(/^faq\.csv: line 2, column "url": must be an absolute URL/);
  });

  it('refuses duplicate SKUs, ragged rows, and files without data', () => {
    expect(() => parseCsv('p.csv', 'sku,name,price\nA,B,1\nA,C,2\n')).toThrow('p.csv: line 3: sku "A" already appears on line 2');
    expect(() => parseCsv('f.csv', 'question,answer\nQ,A,extra\n')).toThrow(/^f\.csv: is not valid CSV: .*line 2/);
    expect(() => parseCsv('f.csv', 'question,answer\n')).toThrow('f.csv: has a header row but no data rows');
    expect(() => parseCsv('f.csv', '')).toThrow('f.csv: is empty');
  });
});
