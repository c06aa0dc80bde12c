import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../edge/ingest/parse/json';

const now = new Date('2026-01-02T03:04:05Z');

describe('parseJson', () => {
  it('reads a top-level array as FAQs', () => {
    const file = parseJson('faq.json', JSON.stringify([{ question: 'Do you ship?', answer: 'Yes.', url: '/help/shipping' }]), now);
    expect(file.documents).toEqual([
      { source: 'faq.json#do-you-ship', kind: 'faq', title: 'Do you ship?', url: '/help/shipping', sections: [{ headings: [], text: 'Do you ship?\nYes.' }] },
    ]);
  });

  it('reads faqs, products and orders from an object', () => {
    const data = {
      faqs: [{ question: 'Q?', answer: 'A.' }],
      products: [{ sku: 'K-1', name: 'Kettle', price: 39.5, stock: 3 }],
      orders: [
        {
          number: 'JP-1',
          email: ' Ana@Example.com ',
          status: 'Shipped',
          items: [{ sku: 'K-1', name: 'Kettle', qty: 2 }],
          total: '79.00',
          carrier: 'UPS',
          tracking: '1Z',
          updatedAt: '2026-11-20T10:00:00Z',
        },
        { number: 'JP-2', email: 'b@example.com', status: 'processing', items: [], total: 0 },
      ],
    };
    const file = parseJson('shop.json', JSON.stringify(data), now);
    expect(file.documents.map((d) => d.source)).toEqual(['shop.json#q', 'shop.json#K-1']);
    expect(file.products).toEqual([{ sku: 'K-1', name: 'Kettle', description: '', priceCents: 3950, currency: 'USD', stock: 3, url: null }]);
    expect(file.orders).toEqual([
      {
        number: 'JP-1',
        email: 'ana@example.com',
        status: 'shipped',
        items: [{ sku: 'K-1', name: 'Kettle', qty: 2 }],
        totalCents: 7900,
        currency: 'USD',
        carrier: 'UPS',
        tracking: '1Z',
        updatedAt: new Date('2026-11-20T10:00:00Z'),
      },
      { number: 'JP-2', email: 'b@example.com', status: 'processing', items: [], totalCents: 0, currency: 'USD', carrier: null, tracking: null, updatedAt: now },
    ]);
  });

  it('names the bad row index and field', () => {
    const bad = { orders: [{ number: 'A', email: 'a@example.com', status: 'x', items: [], total: 1 }, { number: 'B', email: 'nope', status: 'x', items: [], total: 1 }] };
    expect(() => parseJson('orders.json', JSON.stringify(bad))).toThrow('orders.json: orders[1].email: must be an email address');
    expect(() => parseJson('faq.json', JSON.stringify([{ question: 'Q', answer: 'A' }, { question: 'Q2' }]))).toThrow(/^faq\.json: \[1\]\.answer: /);
    const item = { orders: [{ number: 'A', email: 'a@example.com', status: 'x', items: [{ sku: 'S', name: 'N', qty: 0 }], total: 1 }] };
    expect(() => parseJson('o.json', JSON.stringify(item))).toThrow(/^o\.json: orders\[0\]\.items\[0\]\.qty: /);
  });

  it('refuses unknown keys, invalid JSON, empty content and duplicates', () => {
    expect(() => parseJson('x.json', '{"faq": []}')).toThrow(/^x\.json: .*faq/);
    expect(() => parseJson('x.json', '{"faqs": [{"question": "Q", "answer": "A", "categry": "c"}]}')).toThrow(/^x\.json: faqs\[0\]: .*categry/);
    expect(() => parseJson('x.json', '{"faqs": [')).toThrow(/^x\.json: is not valid JSON/);
    expect(() => parseJson('x.json', '{}')).toThrow('x.json: holds no faqs, products or orders');
    expect(() => parseJson('x.json', '"text"')).toThrow(/^x\.json: .*expected an array of FAQs or an object/);
    const dup = { products: [{ sku: 'A', name: 'a', price: 1 }, { sku: 'A', name: 'b', price: 2 }] };
    expect(() => parseJson('x.json', JSON.stringify(dup))).toThrow('x.json: products[1].sku: "A" already appears at products[0]');
  });
});
