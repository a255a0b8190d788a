/**
 * lru-cache options that keep at most `entries` entries without allocating them up front.
 * Given `max`, lru-cache allocates every slot at construction: the caches of one instance
 * took 60–75 ms of each start, and megabytes, before they held anything. Bounded by size,
 * with each entry counting 1, it grows as it fills and evicts the same way.
 */
export function upTo(entries: number) {
  return { maxSize: entries, sizeCalculation: () => 1 };
}
