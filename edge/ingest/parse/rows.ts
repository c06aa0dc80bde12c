/**
 * Row schemas shared by the CSV and JSON readers, and the documents built from rows: one FAQ
 * document per question, one product document per product (so the catalogue is searchable).
 */
import { z } from 'zod';
import type { OrderInput, ParsedDocument, ProductInput } from '../types';
import { formatMoney } from '../../products/money';
import { slugify, toCents } from './util';

const text = z
  .string({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be text') })
  .trim()
  .min(1, 'must not be empty');
const url = z
  .string()
  .trim()
  .regex(/^(https?:\/\/|\/)\S*$/, 'must be an absolute URL or a path starting with /');
// Amounts and counts come as numbers from JSON and as strings from CSV; one message for both.
const money = z.unknown().transform((v, ctx) => {
  const cents = typeof v === 'number' || typeof v === 'string' ? toCents(v) : null;
  if (cents === null) {
    ctx.addIssue({ code: 'custom', message: v === undefined ? 'is required' : `${JSON.stringify(v)} is not an amount like 49.00` });
    return z.NEVER;
  }
  return cents;
});
const count = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v),
  z.number('must be a whole number').int('must be a whole number').min(0, 'must be 0 or more'),
);
const currency = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO code such as USD')
  .transform((c) => c.toUpperCase());

export const DEFAULT_CURRENCY = 'USD';

export const faqRow = z.strictObject({ question: text, answer: text, url: url.nullish() });
export type FaqRow = z.output<typeof faqRow>;

export const productRow = z.strictObject({
  sku: text,
  name: text,
  price: money,
  description: z.string().trim().optional(),
  currency: currency.optional(),
  stock: count.optional(),
  url: url.nullish(),
});
export type ProductRowIn = z.output<typeof productRow>;

export const orderRow = z.strictObject({
  number: text,
  email: z.string().trim().toLowerCase().pipe(z.email('must be an email address')),
  status: text.transform((s) => s.toLowerCase()),
  items: z.array(z.strictObject({ sku: text, name: text, qty: z.number().int().min(1) })),
  total: money,
  currency: currency.optional(),
  carrier: z.string().trim().nullish(),
  tracking: z.string().trim().nullish(),
  updatedAt: z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO date such as 2026-11-20T10:00:00Z')
    .optional(),
});
export type OrderRowIn = z.output<typeof orderRow>;

/** Columns a CSV may have, per kind of row. */
export const CSV_COLUMNS = {
  faq: { required: ['question', 'answer'], optional: ['url'] },
  product: { required: ['sku', 'name', 'price'], optional: ['description', 'currency', 'stock', 'url'] },
} as const;

export function faqDocument(file: string, key: string, row: FaqRow): ParsedDocument {
  return {
    source: `${file}#${key}`,
    kind: 'faq',
    title: row.question,
    url: row.url ?? null,
    sections: [{ headings: [], text: `${row.question}\n${row.answer}` }],
  };
}

export function faqKey(row: FaqRow): string {
  return slugify(row.question);
}

export function toProduct(row: ProductRowIn): ProductInput {
  return {
    sku: row.sku,
    name: row.name,
    description: row.description ?? '',
    priceCents: row.price,
    currency: row.currency ?? DEFAULT_CURRENCY,
    stock: row.stock ?? 0,
    url: row.url ?? null,
  };
}

export function productDocument(file: string, p: ProductInput): ParsedDocument {
  // Availability rather than the count: a stock change of 12 → 11 should not re-embed the product.
  const lines = [
    p.name,
    p.description,
    `Price: ${formatMoney(p.priceCents, p.currency)} (${p.currency})`,
    `Availability: ${p.stock > 0 ? 'in stock' : 'out of stock'}`,
    `SKU: ${p.sku}`,
  ];
  return {
    source: `${file}#${p.sku}`,
    kind: 'product',
    title: p.name,
    url: p.url,
    sections: [{ headings: [], text: lines.filter(Boolean).join('\n') }],
  };
}

export function toOrder(row: OrderRowIn, now: Date): OrderInput {
  return {
    number: row.number,
    email: row.email,
    status: row.status,
    items: row.items,
    totalCents: row.total,
    currency: row.currency ?? DEFAULT_CURRENCY,
    carrier: row.carrier || null,
    tracking: row.tracking || null,
    updatedAt: row.updatedAt ? new Date(row.updatedAt) : now,
  };
}

/** "faqs[3].answer: must not be empty" — where the first problem is, and what it is. */
export function describeIssues(error: z.ZodError, where: (path: PropertyKey[]) => string): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    return `${where(issue.path)}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? `; and ${error.issues.length - 3} more problems` : '';
  return shown.join('; ') + more;
}

export function jsonPath(path: PropertyKey[]): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : `${acc}${acc ? '.' : ''}${String(k)}`), '') || '(top level)';
}
