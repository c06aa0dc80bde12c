/**
 * The wire forms pgvector's store writes and reads: vectors as text literals, PostgreSQL's
 * binary COPY format both ways (PGlite loads and dumps it through '/dev/blob'), and the
 * literals written into statements that COPY cannot take parameters for.
 */
import type { VectorItem } from '../../core/ports';

/** Text form pgvector parses; 9 significant digits round-trip a float32 exactly. */
export function toVectorLiteral(v: Float32Array): string {
  let out = '[';
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new Error('vector holds a non-finite number');
    out += (i ? ',' : '') + (v[i] === 0 ? '0' : v[i].toPrecision(9));
  }
  return out + ']';
}

/**
 * Vectors in PostgreSQL's binary COPY format (the five chunk_vectors columns; the vector as
 * pgvector's vector_recv reads it: int16 dimensions, int16 unused, big-endian float4s).
 */
export function copyBinary(items: VectorItem[]): Uint8Array<ArrayBuffer> {
  const utf8 = new TextEncoder();
  const texts = items.map((it) => [it.chunkId, it.siteId, it.documentId, it.kind].map((t) => utf8.encode(t)));
  let size = 11 + 4 + 4 + 2;
  items.forEach((it, i) => {
    size += 2 + texts[i].reduce((n, t) => n + 4 + t.length, 0) + 4 + 4 + it.vector.length * 4;
  });
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]); // PGCOPY\n\377\r\n\0
  let o = 11 + 4 + 4; // flags and header extension length: 0
  items.forEach((it, i) => {
    view.setInt16(o, 5);
    o += 2;
    for (const t of texts[i]) {
      view.setInt32(o, t.length);
      bytes.set(t, o + 4);
      o += 4 + t.length;
    }
    const v = it.vector;
    view.setInt32(o, 4 + v.length * 4);
    view.setInt16(o + 4, v.length);
    view.setInt16(o + 6, 0);
    o += 8;
    for (let j = 0; j < v.length; j++, o += 4) view.setFloat32(o, v[j]);
  });
  view.setInt16(o, -1);
  return bytes;
}

/**
 * Rows of a binary COPY of (chunk_id, document_id, embedding), as copyBinary writes them; the
 * vector given to `row` is reused from row to row.
 */
export function readCopyBinary(bytes: Uint8Array, row: (chunkId: string, documentId: string, vector: Float32Array) => void): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder();
  let o = 11 + 4;
  o += 4 + view.getInt32(o); // header extension
  let vector = new Float32Array(0);
  const text = () => {
    const len = view.getInt32(o);
    const s = utf8.decode(bytes.subarray(o + 4, o + 4 + len));
    o += 4 + len;
    return s;
  };
  for (;;) {
    const fields = view.getInt16(o);
    o += 2;
    if (fields === -1) return;
    if (fields !== 3) throw new Error(`COPY row has ${fields} fields; expected 3`);
    const chunkId = text();
    const documentId = text();
    const dims = view.getInt16(o + 4);
    if (vector.length !== dims) vector = new Float32Array(dims);
    o += 8;
    for (let j = 0; j < dims; j++, o += 4) vector[j] = view.getFloat32(o);
    row(chunkId, documentId, vector);
  }
}

/** A string literal in SQL (standard_conforming_strings: only quotes double). */
export function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A text[] literal in SQL: '{"a","b"}' with quotes and backslashes escaped. */
export function textArrayLiteral(values: string[]): string {
  const array = `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
  return `'${array.replace(/'/g, "''")}'::text[]`;
}
