/**
 * A generated help-centre corpus for benchmarks: deterministic (seeded), topical enough that
 * full-text and vector search both have real work, and free of any eval data.
 */
import { mulberry32 as rng } from '../../edge/pipeline/intent/random';

const TOPICS = [
  ['shipping', 'delivery', 'courier', 'parcel', 'dispatch', 'tracking', 'postcode', 'express', 'freight', 'warehouse'],
  ['return', 'refund', 'exchange', 'receipt', 'label', 'condition', 'window', 'restocking', 'credit', 'unopened'],
  ['payment', 'card', 'invoice', 'checkout', 'voucher', 'currency', 'instalment', 'declined', 'billing', 'wallet'],
  ['account', 'password', 'login', 'email', 'profile', 'newsletter', 'privacy', 'address', 'verification', 'security'],
  ['warranty', 'repair', 'defect', 'replacement', 'claim', 'manufacturer', 'coverage', 'damage', 'service', 'inspection'],
  ['kettle', 'grinder', 'filter', 'carafe', 'scale', 'dripper', 'thermometer', 'burr', 'espresso', 'tamper'],
  ['tent', 'backpack', 'stove', 'lantern', 'sleeping', 'trekking', 'waterproof', 'jacket', 'boots', 'compass'],
  ['subscription', 'renewal', 'pause', 'cancel', 'plan', 'monthly', 'annual', 'trial', 'upgrade', 'downgrade'],
];
const COMMON = ['the', 'your', 'we', 'order', 'within', 'days', 'please', 'can', 'you', 'our', 'team', 'will', 'after', 'before', 'if', 'is', 'a', 'to', 'and', 'for', 'with', 'when', 'usually', 'most', 'items'];
const EXTRA = Array.from({ length: 400 }, (_, i) => `term${i.toString(36)}`);

export interface BenchDoc {
  source: string;
  title: string;
  sections: { heading: string; text: string }[];
}

function sentence(r: () => number, topic: string[], words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const x = r();
    out.push(x < 0.35 ? topic[Math.floor(r() * topic.length)] : x < 0.85 ? COMMON[Math.floor(r() * COMMON.length)] : EXTRA[Math.floor(r() * EXTRA.length)]);
  }
  out[0] = out[0][0].toUpperCase() + out[0].slice(1);
  return out.join(' ') + '.';
}

/** `chunks` sections of ~80 words, ten to a document. */
export function generateCorpus(chunks: number, seed = 42): BenchDoc[] {
  const r = rng(seed);
  const docs: BenchDoc[] = [];
  for (let d = 0; d * 10 < chunks; d++) {
    const topic = TOPICS[d % TOPICS.length];
    const sections = [];
    for (let s = 0; s < Math.min(10, chunks - d * 10); s++) {
      const text = Array.from({ length: 6 }, () => sentence(r, topic, 12 + Math.floor(r() * 4))).join(' ');
      sections.push({ heading: `${topic[s % topic.length]} ${EXTRA[(d * 10 + s) % EXTRA.length]}`, text });
    }
    docs.push({ source: `bench/doc-${d}.md`, title: `${topic[0]} guide ${d}`, sections });
  }
  return docs;
}

export function toMarkdown(doc: BenchDoc): string {
  return `# ${doc.title}\n\n` + doc.sections.map((s) => `## ${s.heading}\n\n${s.text}\n`).join('\n');
}

/** Questions made from words of random sections, so each has a known best section. */
export function generateQueries(docs: BenchDoc[], n: number, seed = 7): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const doc = docs[Math.floor(r() * docs.length)];
    const words = doc.sections[Math.floor(r() * doc.sections.length)].text.replace(/[.]/g, '').split(' ');
    const start = Math.floor(r() * Math.max(1, words.length - 8));
    out.push(`how do I ${words.slice(start, start + 7).join(' ').toLowerCase()}?`);
  }
  return out;
}
