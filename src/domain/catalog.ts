import { LRUCache } from 'lru-cache';
import type { Product, ProductsClient } from '../datasources';
import { upTo } from './cache-bounds';
import { BadInputError } from './errors';

/**
 * What can be ordered where, from the products service. A location's menu is fetched in
 * one call and reused for `ttlMs` (0: every time), so placing an order usually costs no
 * sibling call; a product missing from the menu is asked for on its own, which tells an
 * unknown product from another location's. Concurrent misses share one call.
 */
export class Catalog {
  private readonly menus: LRUCache<number, Map<number, Product>, unknown> | null;

  constructor(
    private readonly products: ProductsClient,
    ttlMs: number,
  ) {
    this.menus =
      ttlMs > 0
        ? new LRUCache({ ...upTo(10_000), ttl: ttlMs, fetchMethod: async (locationId) => menuById(await products.menu(locationId)) })
        : null;
  }

  /** The location's menu. */
  async menu(locationId: number): Promise<Product[]> {
    return [...(await this.menuOf(locationId)).values()];
  }

  /** Every product of the order, each checked to exist and to belong to the location. */
  async productsFor(locationId: number, productIds: number[]): Promise<Map<number, Product>> {
    const menu = await this.menuOf(locationId);
    const chosen = new Map<number, Product>();
    for (const id of new Set(productIds)) {
      chosen.set(id, menu.get(id) ?? (await this.offMenu(locationId, id)));
    }
    return chosen;
  }

  private async menuOf(locationId: number): Promise<Map<number, Product>> {
    if (!this.menus) return menuById(await this.products.menu(locationId));
    return (await this.menus.fetch(locationId)) as Map<number, Product>;
  }

  /** A product the menu does not list (a longer menu than one answer holds, or a mistake). */
  private async offMenu(locationId: number, id: number): Promise<Product> {
    const product = await this.products.product(id);
    if (!product) throw new BadInputError(`Product ${id} does not exist`, { field: 'items', productId: id });
    if (product.locationId !== locationId) {
      throw new BadInputError(`Product ${id} is not on this location's menu`, { field: 'items', productId: id });
    }
    return product;
  }
}

function menuById(products: Product[]): Map<number, Product> {
  return new Map(products.map((product) => [product.id, product]));
}
