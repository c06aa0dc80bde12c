/**
 * The memory vector index's scan in native SIMD code (usearch's exact search over int8 rows),
 * or null when its prebuilt addon does not load on this platform: the index then scans in JS.
 */
import { createRequire } from 'node:module';
import type { Int8TopK } from '../../stores/vectors/memory-index';

interface Usearch {
  exactSearch(data: Int8Array, query: Int8Array, dims: number, k: number, metric: string, threads: number): { keys: BigUint64Array };
  MetricKind: { Cos: string };
}

export function nativeTopK(): { topK: Int8TopK } | { error: string } {
  try {
    const usearch = createRequire(import.meta.url)('usearch') as Usearch;
    const cos = usearch.MetricKind.Cos;
    // One thread: a query is a few ms, and the other core serves the other sockets.
    const topK: Int8TopK = (rows, _norms, query, dims, k) => Uint32Array.from(usearch.exactSearch(rows, query, dims, k, cos, 1).keys, Number);
    // Loading is lazy in the addon: one search proves it works here.
    topK(new Int8Array([1, 0]), new Float32Array(1), new Int8Array([1, 0]), 2, 1);
    return { topK };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
