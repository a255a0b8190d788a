import { Router } from 'express';
import { hasNamed, type DemoData } from './demo-data';

const MAX_FOUND_PRODUCTS = 1000;
export const PRICE_PATTERN = /^\d+\.\d{2}$/;

/** The first value of a query parameter; an absent or empty one filters nothing. */
function queryText(value: unknown): string | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first !== '' ? first : undefined;
}

export function productsRouter(data: DemoData): Router {
  const router = Router({ strict: true });

  router.get('/get/:productId/', (req, res) => {
    const product = data.products.find((p) => String(p.id) === req.params.productId);
    if (!product) {
      res.status(404).json({ reason: 'product_not_found' });
      return;
    }
    res.json(product);
  });

  router.get('/find/', (req, res) => {
    const locationId = queryText(req.query.location_id);
    const name = queryText(req.query.name)?.toLowerCase();
    const category = queryText(req.query.category);
    const tag = queryText(req.query.tag);
    const additive = queryText(req.query.additive);
    const found = data.products.filter(
      (product) =>
        (locationId === undefined || String(product.location_id) === locationId) &&
        (name === undefined || product.name.toLowerCase().includes(name)) &&
        (category === undefined || hasNamed(product.categories, category)) &&
        (tag === undefined || hasNamed(product.tags, tag)) &&
        (additive === undefined || hasNamed(product.additives, additive)),
    );
    res.json(found.slice(0, MAX_FOUND_PRODUCTS));
  });

  return router;
}
