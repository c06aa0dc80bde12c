import { describe, expect, it } from 'vitest';
import type { ProductRow } from '../../../edge/core/ports';
import { describePriceRanking, ofKind, priceQuestion } from '../../../edge/products/price-ranking';

const product = (sku: string, name: string, dollars: number, stock = 5, currency = 'USD'): ProductRow => ({
  siteId: 'shop', sku, name, description: `${name}, a fine thing`, priceCents: Math.round(dollars * 100), currency, stock, url: `/products/${sku}`,
});
const CATALOGUE = [
  product('TNT-1', 'Switchback 1 Tent', 279, 0),
  product('TNT-2', 'Switchback 2 Tent', 349, 14),
  product('TNT-3', 'Basin 3 Tent', 429, 6),
  product('PCK-20', 'Scramble 20 Daypack', 89),
  product('PCK-60', 'Ridgeline 60 Pack', 259),
  product('JKT-M', "Cloudburst Rain Jacket (Men's)", 189),
  product('JKT-W', "Cloudburst Rain Jacket (Women's)", 189),
  product('BAG-20', 'Kestrel 20°F Down Sleeping Bag', 329),
  product('DWR', 'Re-Proof DWR Wash (300 ml)', 18),
];

describe('price ranking: which question it takes', () => {
  it('reads the order asked for and the kind of product, in English, Spanish, German and Arabic', () => {
    expect(priceQuestion("What's the cheapest tent?")).toMatchObject({ order: 'least', kind: ['tent'] });
    expect(priceQuestion('Which tent is the most expensive?')).toMatchObject({ order: 'most', kind: ['tent'] });
    expect(priceQuestion('least expensive sleeping bags you sell')).toMatchObject({ order: 'least', kind: ['sleep', 'bag'] });
    expect(priceQuestion('¿Cuál es la tent más barata?')).toMatchObject({ order: 'least', kind: ['tent'] });
    expect(priceQuestion('Was ist das teuerste Pack?')).toMatchObject({ order: 'most', kind: ['pack'] });
    expect(priceQuestion('ما هو أرخص tent')).toMatchObject({ order: 'least' });
  });

  it('leaves questions without a price order, or about nothing in particular, to retrieval', () => {
    expect(priceQuestion('How much does the Switchback 2 Tent cost?')).toBeNull();
    expect(priceQuestion('Do you have tents?')).toBeNull();
    expect(priceQuestion("What's the cheapest one you have?")).toBeNull();
  });

  it('compares the products of the kind asked for: "pack" takes the daypack, not the tents described as packed', () => {
    const tents = ofKind(priceQuestion('cheapest tent')!, CATALOGUE);
    expect(tents?.map((p) => p.sku)).toEqual(['TNT-1', 'TNT-2', 'TNT-3']);
    expect(ofKind(priceQuestion('most expensive pack')!, CATALOGUE)?.map((p) => p.sku)).toEqual(['PCK-20', 'PCK-60']);
  });

  it('declines a question naming more than the kind, one product alone, or prices in two currencies', () => {
    expect(ofKind(priceQuestion('Is the cheapest tent waterproof?')!, CATALOGUE)).toBeNull();
    expect(ofKind(priceQuestion('cheapest 2 person tent')!, CATALOGUE)).toBeNull();
    expect(ofKind(priceQuestion('cheapest sleeping bag')!, CATALOGUE)).toBeNull();
    expect(ofKind(priceQuestion('cheapest way to ship')!, CATALOGUE)).toBeNull();
    const mixed = [product('A', 'Alpha Tent', 100), product('B', 'Beta Tent', 90, 5, 'EUR')];
    expect(ofKind(priceQuestion('cheapest tent')!, mixed)).toBeNull();
  });
});

describe('price ranking: the answer', () => {
  const tents = CATALOGUE.slice(0, 3);

  it('names the cheapest first with its price, says when it is out of stock, then the rest in order, each cited', () => {
    const { text, sources } = describePriceRanking({ order: 'least', inStock: false }, tents, 'en');
    expect(text).toBe('The Switchback 1 Tent costs the least, at $279.00 [1]. It is out of stock at the moment. Next: Switchback 2 Tent, $349.00 [2]; Basin 3 Tent, $429.00 [3].');
    expect(sources.map((s) => [s.n, s.title, s.kind, s.url])).toEqual([
      [1, 'Switchback 1 Tent', 'product', '/products/TNT-1'],
      [2, 'Switchback 2 Tent', 'product', '/products/TNT-2'],
      [3, 'Basin 3 Tent', 'product', '/products/TNT-3'],
    ]);
    // The source carries the facts the sentence quotes, as a product document does.
    expect(sources[0].text).toContain('Price: the Switchback 1 Tent costs $279.00.');
    expect(sources[0].text).toContain('out of stock');
  });

  it('the dearest first for "most", marking the others out of stock where they are', () => {
    const { text } = describePriceRanking({ order: 'most', inStock: false }, tents, 'en');
    expect(text).toBe('The Basin 3 Tent costs the most, at $429.00 [1]. Next: Switchback 2 Tent, $349.00 [2]; Switchback 1 Tent, $279.00, out of stock [3].');
  });

  it('asked for what is in stock, ranks those alone and says so; with fewer than two in stock, ranks all', () => {
    expect(priceQuestion('What is the cheapest tent in stock?')).toMatchObject({ order: 'least', kind: ['tent'], inStock: true });
    const { text, sources } = describePriceRanking({ order: 'least', inStock: true }, tents, 'en');
    expect(text).toBe('Of what is in stock, the Switchback 2 Tent costs the least, at $349.00 [1]. Next: Basin 3 Tent, $429.00 [2].');
    expect(sources.map((s) => s.title)).toEqual(['Switchback 2 Tent', 'Basin 3 Tent']);
    const oneLeft = [tents[0], tents[1], { ...tents[2], stock: 0 }];
    expect(describePriceRanking({ order: 'least', inStock: true }, oneLeft, 'en').text).toMatch(/^The Switchback 1 Tent costs the least, at \$279\.00 \[1\]\. It is out of stock at the moment\./u);
  });

  it('names five at most, and cites only those', () => {
    const many = Array.from({ length: 12 }, (_, i) => product(`T-${i}`, `Model ${String.fromCharCode(65 + i)} Tent`, 100 + i * 10));
    const { text, sources } = describePriceRanking({ order: 'least', inStock: false }, many, 'en');
    expect(sources.map((s) => s.title)).toEqual(['Model A Tent', 'Model B Tent', 'Model C Tent', 'Model D Tent', 'Model E Tent']);
    expect(text).toBe('The Model A Tent costs the least, at $100.00 [1]. Next: Model B Tent, $110.00 [2]; Model C Tent, $120.00 [3]; Model D Tent, $130.00 [4]; Model E Tent, $140.00 [5].');
  });

  it('names products of the same price together', () => {
    const { text } = describePriceRanking({ order: 'least', inStock: false }, CATALOGUE.slice(5, 7), 'en');
    expect(text).toBe("Cloudburst Rain Jacket (Men's) [1] and Cloudburst Rain Jacket (Women's) [2] cost the least, at $189.00 each.");
  });

  it("writes in the visitor's language, prices as that language writes them", () => {
    expect(describePriceRanking({ order: 'least', inStock: false }, tents, 'es').text).toMatch(/^El producto más barato es Switchback 1 Tent, a 279,00\sUS\$ \[1\]\. Ahora mismo está agotado\./u);
    expect(describePriceRanking({ order: 'most', inStock: false }, tents, 'de').text).toMatch(/^Am teuersten ist Basin 3 Tent mit 429,00\s\$ \[1\]\./u);
  });
});
