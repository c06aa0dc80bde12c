/**
 * A site's labelled rows, to train and evaluate its intents: CSV with the columns `text` and
 * `label` (a header row first), or the admin API's JSON. Labels become intent names as the
 * settings write them ("Cancel subscription" → cancel_subscription); `oos` marks examples of
 * what the site does not handle, which set the out-of-scope threshold. Errors name the line.
 */
import { parse } from 'csv-parse/browser/esm/sync';
import { MAX_MESSAGE_CHARS } from '@support-chat/protocol';
import { INTENT_NAME, INTENT_NAME_RULE } from '../core/sites/settings';

export interface LabelledRow {
  text: string;
  label: string;
}

/** The label of rows that belong to no intent. */
export const OOS = 'oos';
/** Rows in one upload: a large help centre's intents fit in a tenth of this. */
export const MAX_ROWS = 50_000;
/** Training needs a few examples of each intent, or its held-out tenth has none to score. */
export const MIN_EXAMPLES = 5;

export class RowsError extends Error {}

/** "Cancel subscription" → "cancel_subscription"; a name that still breaks the rule is an error. */
export function intentName(label: string): string {
  return label
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s/]+/g, '_');
}

export function parseRowsCsv(content: string, source = 'the file'): LabelledRow[] {
  let records: string[][];
  try {
    records = parse(content, { bom: true, skip_empty_lines: true, relax_column_count: false });
  } catch (e) {
    throw new RowsError(`${source} is not valid CSV: ${(e as Error).message}`);
  }
  if (records.length === 0) throw new RowsError(`${source} is empty: expected a header row "text,label"`);
  const headers = records[0].map((h) => h.trim().toLowerCase());
  const [ti, li] = [headers.indexOf('text'), headers.indexOf('label')];
  if (ti < 0 || li < 0) throw new RowsError(`${source} needs the columns "text" and "label" (its header row: ${records[0].join(',')})`);
  // Line numbers as a spreadsheet shows them: the header is line 1.
  return checkRows(
    records.slice(1).map((cells) => ({ text: cells[ti], label: cells[li] })),
    source,
    (i) => `line ${i + 2}`,
  );
}

/** Rows as JSON gives them (`[{ text, label }]`), held to the same rules as the CSV's. */
export function checkRows(input: unknown, source = 'rows', where = (i: number) => `row ${i + 1}`): LabelledRow[] {
  if (!Array.isArray(input)) throw new RowsError(`${source} must be a list of { "text", "label" }`);
  if (input.length === 0) throw new RowsError(`${source} has no rows`);
  if (input.length > MAX_ROWS) throw new RowsError(`${source} has ${input.length} rows: at most ${MAX_ROWS}`);
  return input.map((row, i) => {
    const r = row as Partial<Record<'text' | 'label', unknown>> | null;
    if (!r || typeof r !== 'object' || typeof r.text !== 'string' || typeof r.label !== 'string') {
      throw new RowsError(`${source}, ${where(i)}: must have "text" and "label"`);
    }
    const text = r.text.trim();
    const label = intentName(r.label);
    if (!text) throw new RowsError(`${source}, ${where(i)}: the text is empty`);
    if (text.length > MAX_MESSAGE_CHARS) throw new RowsError(`${source}, ${where(i)}: the text is ${text.length} characters, at most ${MAX_MESSAGE_CHARS} (a message's limit)`);
    if (!INTENT_NAME.test(label)) throw new RowsError(`${source}, ${where(i)}: the label "${r.label.trim()}" is not an intent name (${INTENT_NAME_RULE})`);
    return { text, label };
  });
}

/** What training needs: two intents at least, each with MIN_EXAMPLES rows. */
export function checkTrainable(rows: readonly LabelledRow[], source = 'rows'): void {
  const counts = new Map<string, number>();
  for (const r of rows) if (r.label !== OOS) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
  if (counts.size < 2) throw new RowsError(`${source} names ${counts.size} intent${counts.size === 1 ? '' : 's'}: training needs two or more (rows labelled "${OOS}" are out of scope, not an intent)`);
  const few = [...counts].filter(([, n]) => n < MIN_EXAMPLES).map(([label, n]) => `${label} (${n})`);
  if (few.length) throw new RowsError(`${source}: each intent needs ${MIN_EXAMPLES} examples or more; these have fewer: ${few.slice(0, 10).join(', ')}${few.length > 10 ? ', …' : ''}`);
}
