/**
 * A map for what a process remembers to spare work (parsed text, rows read before), bounded
 * by entries or by a size given per entry. When full it forgets everything: cheaper than LRU
 * book-keeping, and with limits well above the working set it rarely happens.
 */
export class BoundedMap<K, V> {
  private entries = new Map<K, V>();
  private used = 0;

  constructor(
    private readonly limit: number,
    private readonly sizeOf: (value: V) => number = () => 1,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): this {
    this.delete(key);
    const size = this.sizeOf(value);
    if (this.used + size > this.limit) this.clear();
    this.entries.set(key, value);
    this.used += size;
    return this;
  }

  delete(key: K): boolean {
    if (!this.entries.has(key)) return false;
    this.used -= this.sizeOf(this.entries.get(key) as V);
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries = new Map();
    this.used = 0;
  }
}
