/**
 * The shop's live data as tools the model may call. What a tool finds becomes a numbered
 * source (after the request's own), streamed as a `source` part, so the answer cites it like
 * a document and the turn can show it as a citation.
 */
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';
import type { AnswerTools, OrderRow, ProductRow, Source } from '../../core/ports';
import { formatMoney } from '../../products/money';

export const TOOL_DEFINITIONS: ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'search_products',
      description: "Searches the shop's products by name or description; returns current price and stock.",
      parameters: {
        type: 'object',
        properties: { query: { type: 'string', description: 'What the customer is looking for, e.g. "2 person tent".' } },
        required: ['query'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Looks up the status of an order. Needs both the order number and the email the order was placed with.',
      parameters: {
        type: 'object',
        properties: {
          order_number: { type: 'string', description: 'The order number, e.g. "JP-10405".' },
          email: { type: 'string', description: 'The email address the order was placed with.' },
        },
        required: ['order_number', 'email'],
        additionalProperties: false,
      },
    },
  },
];

/** Products a search returns to the model, at most. */
const PRODUCT_LIMIT = 5;

export interface ToolOutcome {
  /** New sources, numbered from the `firstN` given. */
  sources: Source[];
  /** What the model is told when there is no source to give (nothing found, bad arguments). */
  note?: string;
}

export async function runTool(name: string, rawArgs: string, tools: AnswerTools, firstN: number): Promise<ToolOutcome> {
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(rawArgs || '{}');
    args = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return { sources: [], note: `The arguments for ${name} were not valid JSON.` };
  }
  const text = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
  switch (name) {
    case 'search_products': {
      const query = text(args.query, 200);
      if (!query) return { sources: [], note: 'search_products needs a query.' };
      const found = await tools.searchProducts(query, PRODUCT_LIMIT);
      if (found.length === 0) return { sources: [], note: `No product matches "${query}".` };
      return { sources: found.slice(0, PRODUCT_LIMIT).map((p, i) => productSource(p, firstN + i)) };
    }
    case 'lookup_order': {
      const number = text(args.order_number, 64);
      const email = text(args.email, 254);
      if (!number || !email) return { sources: [], note: 'lookup_order needs both the order number and the email; ask the customer for what is missing.' };
      const order = await tools.findOrder(number, email);
      if (!order) return { sources: [], note: 'No order matches that order number and email. Ask the customer to check both, or offer a person from the team.' };
      return { sources: [orderSource(order, firstN)] };
    }
    default:
      return { sources: [], note: `There is no tool named ${name}.` };
  }
}

export function productSource(p: ProductRow, n: number): Source {
  const stock = p.stock > 0 ? `In stock (${p.stock} left).` : 'Out of stock at the moment.';
  return {
    n,
    title: p.name,
    ...(p.url ? { url: p.url } : {}),
    text: `${p.name} (SKU ${p.sku}) costs ${formatMoney(p.priceCents, p.currency)}. ${stock}${p.description ? ` ${p.description}` : ''}`,
    kind: 'product',
  };
}

export function orderSource(o: OrderRow, n: number): Source {
  const items = o.items.map((i) => `${i.qty} × ${i.name}`).join(', ');
  const shipping = o.carrier && o.tracking ? ` It ships with ${o.carrier}, tracking number ${o.tracking}.` : '';
  return {
    n,
    title: `Order ${o.number}`,
    text: `Order ${o.number} (${items}, total ${formatMoney(o.totalCents, o.currency)}) is ${o.status}, last updated ${o.updatedAt.toISOString().slice(0, 10)}.${shipping}`,
    kind: 'doc',
  };
}
