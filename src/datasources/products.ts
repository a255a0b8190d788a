import { characterCount, storable } from '../domain/text';
import { nullOn404, SiblingDataSource } from './sibling-data-source';

export interface Product {
  id: number;
  locationId: number;
  name: string;
  description: string;
  /** Exact decimal string with two places, as the products service gives it ("0.80"). */
  price: string;
  tags: string[];
  categories: string[];
  additives: string[];
}

interface ProductAnswer {
  id?: unknown;
  location_id?: unknown;
  name?: unknown;
  description?: unknown;
  price?: unknown;
  tags?: unknown;
  categories?: unknown;
  additives?: unknown;
}

const PRICE = /^\d{1,8}\.\d{2}$/;
const MAX_NAME_LENGTH = 500;

/** The products service: what can be ordered at a location (SIBLINGS.md). */
export class ProductsClient extends SiblingDataSource {
  readonly service = 'products';

  /** The product, or null when the service does not know it. */
  product(productId: number): Promise<Product | null> {
    return this.call(
      () => this.get<ProductAnswer | null>(`products/get/${productId}/`),
      (answer): Product | null => this.toProduct(answer),
      [nullOn404('product_not_found')],
    );
  }

  menu(locationId: number): Promise<Product[]> {
    return this.call(
      () => this.get<(ProductAnswer | null)[] | null>('products/find/', { params: { location_id: String(locationId) } }),
      (answer) => {
        if (!Array.isArray(answer)) this.unexpected('product list');
        return answer.map((product) => this.toProduct(product)).filter((product) => product.locationId === locationId);
      },
    );
  }

  private toProduct(answer: ProductAnswer | null): Product {
    const { id, location_id: locationId, name, description = null, price } = answer ?? {};
    if (!Number.isInteger(id) || !Number.isInteger(locationId)) this.unexpected('product');
    if (typeof price !== 'string' || !PRICE.test(price)) this.unexpected('price');
    // Orders keep a copy of the name (varchar(500), and JSON in their events).
    if (typeof name !== 'string' || characterCount(name) > MAX_NAME_LENGTH || !storable(name)) this.unexpected('product name');
    if (description !== null && typeof description !== 'string') this.unexpected('product description');
    return {
      id: id as number,
      locationId: locationId as number,
      name,
      description: description ?? '',
      price,
      tags: this.names(answer?.tags, 'tags'),
      categories: this.names(answer?.categories, 'categories'),
      additives: this.names(answer?.additives, 'additives'),
    };
  }

  /** The names of a `[{"name": str}]` list; a missing list is empty. */
  private names(list: unknown, what: string): string[] {
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list) || !list.every((entry) => typeof entry?.name === 'string')) this.unexpected(`product ${what}`);
    return list.map((entry: { name: string }) => entry.name);
  }
}
