/**
 * CSV with a header row: FAQ rows (question, answer, url) or product rows (sku, name, price, …),
 * told apart by the headers. Each FAQ row is its own document; each product row is a product
 * and a document, so the catalogue answers questions too.
 */
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { FileFormatError, type ParsedDocument, type ParsedFile, type ProductInput } from '../types';
import { CSV_COLUMNS, describeIssues, faqDocument, faqKey, faqRow, productDocument, productRow, toProduct } from './rows';
import { assertText, uniqueKeys } from './util';

type Kind = keyof typeof CSV_COLUMNS;

export function parseCsv(source: string, content: string): ParsedFile {
  assertText(source, content);
  let records: string[][];
  try {
    records = parse(content, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (e) {
    throw new FileFormatError(source, `is not valid CSV: ${(e as Error).message}`);
  }
  if (records.length === 0) throw new FileFormatError(source, 'is empty: expected a header row');

  const headers = records[0].map((h) => h.toLowerCase());
  const kind = detectKind(source, headers);
  // Line numbers as a spreadsheet shows them: the header is line 1.
  const rows = records.slice(1).map((cells, i) => ({ line: i + 2, value: rowObject(headers, cells) }));
  if (rows.length === 0) throw new FileFormatError(source, 'has a header row but no data rows');

  return kind === 'faq' ? faqFile(source, rows) : productFile(source, rows);
}

function detectKind(source: string, headers: string[]): Kind {
  const dup = headers.find((h, i) => headers.indexOf(h) !== i);
  if (dup) throw new FileFormatError(source, `has the column "${dup}" twice`);
  for (const kind of Object.keys(CSV_COLUMNS) as Kind[]) {
    const { required, optional } = CSV_COLUMNS[kind];
    if (!required.every((c) => headers.includes(c))) continue;
    const known: readonly string[] = [...required, ...optional];
    const unknown = headers.filter((h) => !known.includes(h));
    if (unknown.length) {
      throw new FileFormatError(
        source,
        `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} in a ${kind} CSV; ` +
          `allowed: ${known.join(', ')}`,
      );
    }
    return kind;
  }
  throw new FileFormatError(
    source,
    `headers ${headers.map((h) => `"${h}"`).join(', ')} match no known CSV; expected ` +
      `question,answer[,url] for FAQs or sku,name,price[,description,currency,stock,url] for products`,
  );
}

// Empty cells are absent values, so optional columns may be left blank.
function rowObject(headers: string[], cells: string[]): Record<string, string> {
  const row: Record<string, string> = {};
  headers.forEach((h, i) => {
    if (cells[i] !== undefined && cells[i] !== '') row[h] = cells[i];
  });
  return row;
}

type Row = { line: number; value: Record<string, string> };

function validate<S extends z.ZodType>(source: string, row: Row, schema: S): z.output<S> {
  const result = schema.safeParse(row.value);
  if (!result.success) {
    throw new FileFormatError(source, describeIssues(result.error, (path) => `line ${row.line}, column "${String(path[0] ?? '?')}"`));
  }
  return result.data;
}

function faqFile(source: string, rows: Row[]): ParsedFile {
  const key = uniqueKeys();
  const documents = rows.map((row) => {
    const faq = validate(source, row, faqRow);
    return faqDocument(source, key(faqKey(faq)), faq);
  });
  return { documents, products: [], orders: [] };
}

function productFile(source: string, rows: Row[]): ParsedFile {
  const products: ProductInput[] = [];
  const documents: ParsedDocument[] = [];
  const lineOf = new Map<string, number>();
  for (const row of rows) {
    const product = toProduct(validate(source, row, productRow));
    const earlier = lineOf.get(product.sku);
    if (earlier) throw new FileFormatError(source, `line ${row.line}: sku "${product.sku}" already appears on line ${earlier}`);
    lineOf.set(product.sku, row.line);
    products.push(product);
    documents.push(productDocument(source, product));
  }
  return { documents, products, orders: [] };
}
