/** A Map bounded to `maxKeys` entries: setting a key past the bound evicts the oldest one. */
export class KeyedMap<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly maxKeys = 10000) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxKeys) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: string): boolean {
    return this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
