/**
 * A Map whose contents are defined by `entries()` (a view over other maps): keys, values,
 * iteration and forEach all follow it. The views of the overlay state and of earlier blocks'
 * states extend it.
 */
export class EntriesMap<K, V> extends Map<K, V> {
  /** Subclasses override this; here it is the map's own entries. */
  override entries(): MapIterator<[K, V]> {
    return super.entries();
  }

  override *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  override *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }
}
