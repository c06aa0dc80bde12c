import { describe, expect, it } from 'vitest';
import { cosine, LocalEmbedder } from '../../../edge/providers/embeddings/local';

const e = new LocalEmbedder();

describe('LocalEmbedder', () => {
  it('names its model and dimension, and returns unit vectors', async () => {
    expect(e.model).toBe('local-hash-384');
    expect(e.dimensions).toBe(384);
    const [v, empty] = await e.embed(['Free shipping on orders over $50', ''], 'document');
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.length).toBe(384);
    expect(cosine(v, v)).toBeCloseTo(1, 5);
    expect(empty.every((x) => x === 0)).toBe(true);
  });

  it('is deterministic and treats queries and documents alike', async () => {
    const [a] = await e.embed(['Where is my parcel?'], 'query');
    const [b] = await e.embed(['Where is my parcel?'], 'document');
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('scores similar texts far above unrelated ones', async () => {
    const [q, doc, typo, inflected, unrelated, other] = await e.embed(
      [
        'How long does shipping to Canada take?',
        'Shipping to Canada usually takes 5 to 7 business days after your order leaves our warehouse.',
        'how lnog does shiping take to canda',
        'shipped to canada, it took a while',
        'Our winter jackets are made from recycled wool and are machine washable.',
        'Can I pay with a gift card at checkout?',
      ],
      'query',
    );
    const related = cosine(q, doc);
    console.log(
      `local-hash-384 cosine: related ${related.toFixed(2)}, typo ${cosine(q, typo).toFixed(2)}, ` +
        `inflected ${cosine(q, inflected).toFixed(2)}, unrelated ${cosine(q, unrelated).toFixed(2)} / ${cosine(q, other).toFixed(2)}`,
    );
    expect(related).toBeGreaterThan(0.35);
    expect(cosine(q, typo)).toBeGreaterThan(0.15);
    expect(cosine(q, inflected)).toBeGreaterThan(0.25);
    expect(Math.abs(cosine(q, unrelated))).toBeLessThan(0.12);
    expect(Math.abs(cosine(q, other))).toBeLessThan(0.12);
    expect(related).toBeGreaterThan(3 * Math.max(cosine(q, unrelated), cosine(q, other), 0.05));
  });

  it('ranks the matching passage first among many', async () => {
    const passages = [
      'Returns are accepted within 30 days of delivery for unworn items.',
      'We accept Visa, Mastercard, PayPal and Apple Pay.',
      'Gift cards never expire and can be used online or in store.',
      'Express delivery arrives the next business day if you order before noon.',
      'Our ceramic mugs are dishwasher and microwave safe.',
    ];
    const [q, ...vs] = await e.embed(['are the mugs microwave safe', ...passages], 'query');
    const best = vs.map((v, i) => ({ i, s: cosine(q, v) })).sort((a, b) => b.s - a.s)[0];
    expect(best.i).toBe(4);
  });

  it('embeds 10,000 chunks of ~80 words into unit vectors (its speed: npm run bench, ingest)', async () => {
    const vocab = (
      'the order shipping return refund days business customer product size color we you our your can will within ' +
      'item items policy delivery package tracking email account payment card store warranty support contact please ' +
      'jacket shoes shirt wool cotton battery charger kettle lamp sofa table chair price sale discount code free ' +
      'international express standard label exchange damaged broken replacement checkout address'
    ).split(' ');
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const texts = Array.from({ length: 10_000 }, () =>
      Array.from({ length: 80 }, (_, j) => vocab[Math.floor(rand() * vocab.length)] + (j % 12 === 11 ? '.' : '')).join(' '),
    );
    const vectors = await e.embed(texts, 'document');
    expect(vectors).toHaveLength(10_000);
    for (const v of [vectors[0], vectors[4_999], vectors[9_999]]) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
  });
});
