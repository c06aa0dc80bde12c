/**
 * What the parsers hand to the chunker and the runner. Products and orders carry no siteId:
 * a file does not know which site it is ingested into; the runner adds it.
 */
import type { DocKind, OrderRow, ProductRow } from '../core/ports';

export interface ParsedSection {
  /** Heading path from the outermost heading down, e.g. ["Returns", "Refund timing"]. */
  headings: string[];
  text: string;
}

export interface ParsedDocument {
  /** Unique per site: the file's path, with `#key` for one row of a multi-row file. */
  source: string;
  kind: DocKind;
  title: string;
  url: string | null;
  sections: ParsedSection[];
}

export type ProductInput = Omit<ProductRow, 'siteId'>;
export type OrderInput = Omit<OrderRow, 'siteId'>;

export interface ParsedFile {
  documents: ParsedDocument[];
  products: ProductInput[];
  orders: OrderInput[];
}

export type Parser = (source: string, content: string) => ParsedFile;

/** A file that cannot be ingested as written; the message always starts with the file's name. */
export class FileFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'FileFormatError';
  }
}

export function documentsOnly(documents: ParsedDocument[]): ParsedFile {
  return { documents, products: [], orders: [] };
}
