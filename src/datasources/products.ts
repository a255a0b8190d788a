import { storable } from '../domain/text';
import { SiblingDataSource, SiblingRejection } from './sibling-data-source';

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
  id: number;
  location_id: number;
  name: string;
  description?: string;
  price: string;
  tags?: { name: string }[];
  categories?: { name: string }[];
  additives?: { name: string }[];
}

const PRICE = /^\d{1,8}\.\d{2}$/;
const MAX_NAME_LENGTH = 500;

/** The products service: what can be ordered at a location (SIBLINGS.md). */
export class ProductsClient extends SiblingDataSource {
  readonly service = 'products';

  /** The product, or null when the service does not know it. */
  async product(productId: number): Promise<Product | null> {
    try {
      return this.toProduct(await this.call(() => this.get<ProductAnswer>(`products/get/${productId}/`)));
    } catch (error) {
      if (error instanceof SiblingRejection && error.status === 404) return null;
      if (error instanceof SiblingRejection) this.unexpected(`refusal (${error.reason})`);
      throw error;
    }
  }

  async menu(locationId: number): Promise<Product[]> {
    const answer = await this.call(() =>
      this.get<ProductAnswer[]>('products/find/', { params: { location_id: String(locationId) } }),
    );
    if (!Array.isArray(answer)) this.unexpected('product list');
    return answer.map((product) => this.toProduct(product)).filter((product) => product.locationId === locationId);
  }

  private toProduct(answer: ProductAnswer): Product {
    if (!Number.isInteger(answer?.id) || !Number.isInteger(answer.location_id)) this.unexpected('product');
    if (typeof answer.price !== 'string' || !PRICE.test(answer.price)) this.unexpected(`price "${answer.price}"`);
    // Orders keep a copy of the name (varchar(500), and JSON in their events).
    if (typeof answer.name !== 'string' || answer.name.length > MAX_NAME_LENGTH || !storable(answer.name)) this.unexpected('product name');
    const names = (list?: { name: string }[]) => (list ?? []).map((entry) => entry.name);
    return {
      id: answer.id,
      locationId: answer.location_id,
      name: answer.name,
      description: answer.description ?? '',
      price: answer.price,
      tags: names(answer.tags),
      categories: names(answer.categories),
      additives: names(answer.additives),
    };
  }
}
