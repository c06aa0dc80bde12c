/**
 * Questions the corpus cannot answer: a JSONL of queries (`_id`, `text`), or a CLINC150 CSV
 * (`text,label`) from which the out-of-scope rows (`oos`) and a sample of other domains'
 * in-scope questions are taken. Samples are deterministic: the same file and counts give the
 * same questions on every machine.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { EvalDataError, readQueries, type Query } from './beir';

/**
 * CLINC150 intents far from a software help centre (banking, credit cards, travel, kitchen,
 * auto). Small talk and "utility" intents (change_language, reset_settings, sync_device…) are
 * left out: a help centre may well answer those.
 */
export const OFF_TOPIC_INTENTS = [
  'balance', 'transfer', 'bill_due', 'pay_bill', 'interest_rate', 'routing', 'freeze_account', 'min_payment',
  'credit_limit', 'apr', 'report_lost_card', 'card_declined', 'credit_score', 'rewards_balance',
  'book_flight', 'book_hotel', 'flight_status', 'lost_luggage', 'travel_alert', 'international_visa', 'exchange_rate', 'carry_on', 'car_rental',
  'recipe', 'calories', 'cook_time', 'ingredients_list', 'restaurant_reservation', 'meal_suggestion',
  'gas', 'oil_change_when', 'tire_pressure', 'jump_start', 'mpg', 'traffic',
];

export interface ClincSample {
  /** `oos` rows to take. */
  oos: number;
  /** In-scope rows to take from `labels`, spread evenly over them. */
  inScope: number;
  labels?: string[];
}

export const DEFAULT_CLINC_SAMPLE: ClincSample = { oos: 150, inScope: 150 };

export function readUnanswerable(file: string, sample: ClincSample = DEFAULT_CLINC_SAMPLE): Query[] {
  if (/\.jsonl$/i.test(file)) return readQueries(file);
  if (/\.csv$/i.test(file)) return readClinc(file, sample);
  throw new EvalDataError(file, null, 'expected a .jsonl of queries (_id, text) or a CLINC150 .csv (text,label)');
}

export function readClinc(file: string, sample: ClincSample): Query[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new EvalDataError(file, null, 'missing');
  }
  let rows: { text: string; label: string }[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, bom: true });
  } catch (e) {
    throw new EvalDataError(file, (e as { lines?: number }).lines ?? null, `not valid CSV (${(e as Error).message})`);
  }
  if (rows.length && (!('text' in rows[0]) || !('label' in rows[0]))) throw new EvalDataError(file, 1, 'expected the header "text,label"');
  const withLine = rows.map((r, i) => ({ ...r, line: i + 2 }));
  const oos = sampleEvenly(
    withLine.filter((r) => r.label === 'oos'),
    sample.oos,
  );
  const labels = sample.labels ?? OFF_TOPIC_INTENTS;
  const unknown = labels.filter((l) => !withLine.some((r) => r.label === l));
  if (unknown.length) throw new EvalDataError(file, null, `no rows labelled ${unknown.join(', ')}`);
  // Round-robin over the intents so every domain is represented, each intent's rows in a stable order.
  const perLabel = labels.map((l) => sortStable(withLine.filter((r) => r.label === l)));
  const inScope: typeof withLine = [];
  for (let i = 0; inScope.length < sample.inScope && perLabel.some((rs) => i < rs.length); i++) {
    for (const rs of perLabel) if (i < rs.length && inScope.length < sample.inScope) inScope.push(rs[i]);
  }
  return [...sortStable(oos), ...inScope].map((r) => ({ id: `${r.label === 'oos' ? 'oos' : 'in'}:${r.label}:L${r.line}`, text: r.text }));
}

/** At most n items, evenly spread over the list (its order kept): deterministic, no seed to agree on. */
export function sampleEvenly<T>(items: T[], n: number): T[] {
  if (n >= items.length) return items;
  if (n <= 0) return [];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]);
}

/** A stable shuffle: by a hash of the text, so a sample does not follow the file's grouping. */
function sortStable<T extends { text: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => fnv1a(a.text) - fnv1a(b.text) || (a.text < b.text ? -1 : 1));
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
