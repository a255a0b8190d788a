import { LRUCache } from 'lru-cache';
import type { Product, ProductsClient } from '../datasources';
import { BadInputError } from './errors';

/** What the kept menus may take by default: about a hundred long menus. */
export const MENU_CACHE_BYTES = 64 * 1024 * 1024;

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
    /** What the kept menus may take, counted by their text: a menu of 1,000 products is some hundreds of KB. */
    maxBytes = MENU_CACHE_BYTES,
  ) {
    this.menus =
      ttlMs > 0
        ? new LRUCache({
            maxSize: maxBytes,
            sizeCalculation: menuBytes,
            ttl: ttlMs,
            // Expired menus are dropped, not kept until pushed out.
            ttlAutopurge: true,
            fetchMethod: async (locationId) => menuById(await products.menu(locationId)),
            // A menu fetched again once expired can be dropped by its late expiry timer while the
            // call is under way (a busy instance runs timers late): its orders still get the answer.
            ignoreFetchAbort: true,
          })
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

/** About what a menu takes: its text, and a little for each product. */
function menuBytes(menu: Map<number, Product>): number {
  let bytes = 1;
  for (const product of menu.values()) {
    bytes += 64 + product.name.length + product.description.length + product.price.length;
    for (const text of [...product.tags, ...product.categories, ...product.additives]) bytes += 16 + text.length;
  }
  return bytes;
}
