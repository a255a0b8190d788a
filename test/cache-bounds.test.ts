import { LRUCache } from 'lru-cache';
import { upTo } from '../src/domain/cache-bounds';

describe('a cache bounded by upTo(entries)', () => {
  it('keeps at most that many entries, evicting the least recently used', () => {
    const cache = new LRUCache<string, number>(upTo(3));
    for (const [index, key] of ['a', 'b', 'c'].entries()) cache.set(key, index);
    cache.get('a');

    cache.set('d', 3);

    expect(cache.size).toBe(3);
    expect([...cache.keys()].sort()).toEqual(['a', 'c', 'd']);
  });

  it('keeps the bound with a TTL, as the credential and code caches use it', () => {
    const cache = new LRUCache<number, true>({ ...upTo(1_000), ttl: 60_000 });
    for (let key = 0; key < 5_000; key++) cache.set(key, true);

    expect(cache.size).toBe(1_000);
    expect(cache.has(4_999)).toBe(true);
    expect(cache.has(0)).toBe(false);
  });
});
