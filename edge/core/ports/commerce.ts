/** The shop's products and orders, for live facts and order look-ups. */

export interface ProductRow {
  siteId: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  currency: string;
  stock: number;
  url: string | null;
}
export interface OrderRow {
  siteId: string;
  number: string;
  email: string;
  status: string;
  items: { sku: string; name: string; qty: number }[];
  totalCents: number;
  currency: string;
  carrier: string | null;
  tracking: string | null;
  updatedAt: Date;
}
