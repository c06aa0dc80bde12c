/**
 * Price-order questions through the product (POST /v1/chat over the demo shop): answered from
 * the products table with today's stock, each product cited; the rest go on to retrieval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../edge/app';
import { demoDeps } from '../helpers/deps';
import { NO_LIMITS } from '../helpers/limits';
import { ask } from '../quality/grade';

describe('price-order questions on the demo shop', () => {
  let built: Awaited<ReturnType<typeof demoDeps>>;
  let app: ReturnType<typeof createApp>['app'];
  beforeAll(async () => {
    built = await demoDeps({ ...NO_LIMITS });
    ({ app } = createApp(built.deps));
  }, 120_000);
  afterAll(async () => built?.close());
  const say = (q: string) => ask(app, { q, expect: 'answer', tags: [] });

  it('"What\'s the cheapest tent?": the Switchback 1 at $279, out of stock, before the two dearer tents', async () => {
    const reply = await say("What's the cheapest tent?");
    expect(reply.text).toBe('The Switchback 1 Tent costs the least, at $279.00 [1]. It is out of stock at the moment. Next: Switchback 2 Tent, $349.00 [2]; Basin 3 Tent, $429.00 [3].');
    expect(reply.citations.map((c) => [c.n, c.title, c.url])).toEqual([
      [1, 'Switchback 1 Tent', '/products/switchback-1-tent'],
      [2, 'Switchback 2 Tent', '/products/switchback-2-tent'],
      [3, 'Basin 3 Tent', '/products/basin-3-tent'],
    ]);
  });

  it("quotes today's stock, not the catalogue's at ingest", async () => {
    const tent = (await built.deps.db.products.get('demo', 'JP-TNT-1'))!;
    await built.deps.db.products.upsert([{ ...tent, stock: 3 }]);
    try {
      const reply = await say('Which tent is the cheapest?');
      expect(reply.text).toMatch(/^The Switchback 1 Tent costs the least, at \$279\.00 \[1\]\. Next:/u);
      const most = await say('most expensive tent');
      expect(most.text).toBe('The Basin 3 Tent costs the most, at $429.00 [1]. Next: Switchback 2 Tent, $349.00 [2]; Switchback 1 Tent, $279.00 [3].');
    } finally {
      await built.deps.db.products.upsert([tent]);
    }
  });

  it('"…in stock?" ranks what can be bought today, and says so', async () => {
    const reply = await say("What's the cheapest tent in stock?");
    expect(reply.text).toBe('Of what is in stock, the Switchback 2 Tent costs the least, at $349.00 [1]. Next: Basin 3 Tent, $429.00 [2].');
  });

  it('"backpack" finds the packs the catalogue calls Pack and Daypack', async () => {
    const reply = await say('What is your most expensive backpack?');
    expect(reply.text).toBe('The Ridgeline 60 Pack costs the most, at $259.00 [1]. Next: Ridgeline 45 Pack, $219.00 [2]; Scramble 20 Daypack, $89.00 [3].');
  });

  it('a question about the cheapest one\'s features, or one product of its kind, is answered from the content as before', async () => {
    const features = await say('Is the cheapest tent waterproof?');
    expect(features.text).not.toMatch(/costs the least/u);
    const bag = await say('cheapest sleeping bag');
    expect(bag.text).not.toMatch(/costs the least/u);
    expect(bag.citations[0]?.title).toMatch(/Kestrel/u);
  });

  it('keyword questions get English sentences, not a note that the visitor writes Danish or Swedish', async () => {
    for (const q of ['cheapest sleeping bag', 'cheapest rain jacket', 'cheapest 2 person tent']) {
      const reply = await say(q);
      expect(reply.text, q).not.toMatch(/may not understand|dansk|svenska| och /u);
    }
    const jackets = await say('cheapest rain jacket');
    expect(jackets.text).toBe("Cloudburst Rain Jacket (Men's) [1] and Cloudburst Rain Jacket (Women's) [2] cost the least, at $189.00 each.");
  });
});
