/**
 * JSON: an array of FAQ objects, or an object with `faqs`, `products` and/or `orders` arrays.
 * Every row is validated; the error names the row index and the field.
 */
import { z } from 'zod';
import { FileFormatError, type ParsedDocument, type ParsedFile } from '../types';
import { describeIssues, faqDocument, faqKey, faqRow, jsonPath, orderRow, productDocument, productRow, toOrder, toProduct } from './rows';
import { assertText, uniqueKeys } from './util';

const faqList = z.array(faqRow);
const shopFile = z.strictObject(
  {
    faqs: z.array(faqRow).optional(),
    products: z.array(productRow).optional(),
    orders: z.array(orderRow).optional(),
  },
  { error: (iss) => (iss.code === 'invalid_type' ? 'expected an array of FAQs or an object with faqs, products and/or orders' : undefined) },
);

export function parseJson(source: string, content: string, now = new Date()): ParsedFile {
  assertText(source, content);
  let raw: unknown;
  try {
    raw = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new FileFormatError(source, `is not valid JSON: ${(e as Error).message}`);
  }
  // Pick the shape first: a union's error would blur which row is wrong.
  const result = Array.isArray(raw) ? faqList.safeParse(raw) : shopFile.safeParse(raw);
  if (!result.success) throw new FileFormatError(source, describeIssues(result.error, jsonPath));
  const data = Array.isArray(result.data) ? { faqs: result.data } : result.data;
  if (!data.faqs?.length && !data.products?.length && !data.orders?.length) {
    throw new FileFormatError(source, 'holds no faqs, products or orders');
  }

  const key = uniqueKeys();
  const documents: ParsedDocument[] = (data.faqs ?? []).map((f) => faqDocument(source, key(faqKey(f)), f));
  const products = (data.products ?? []).map(toProduct);
  unique(source, 'products', 'sku', products.map((p) => p.sku));
  for (const p of products) documents.push(productDocument(source, p));
  const orders = (data.orders ?? []).map((o) => toOrder(o, now));
  unique(source, 'orders', 'number', orders.map((o) => o.number.toLowerCase()));
  return { documents, products, orders };
}

function unique(source: string, list: string, field: string, values: string[]): void {
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    const first = seen.get(v);
    if (first !== undefined) throw new FileFormatError(source, `${list}[${i}].${field}: "${v}" already appears at ${list}[${first}]`);
    seen.set(v, i);
  });
}
