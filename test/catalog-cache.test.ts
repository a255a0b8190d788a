import { createSiblings } from '../src/datasources';
import { Catalog } from '../src/domain/catalog';
import { startSiblingDoubles, type SiblingDoubles } from '../src/dev/siblings';
import { holdEventLoop } from './support/wait';

/** The menus a Catalog keeps, against the products service's double over HTTP. */
describe('the menus kept for orders', () => {
  let doubles: SiblingDoubles;
  beforeAll(async () => {
    doubles = await startSiblingDoubles();
    // Two locations with 1,000 products of long descriptions each: some 300 KB of text a menu.
    for (const locationId of [1, 3]) {
      const products = doubles.data.products.filter((product) => product.location_id === locationId);
      for (let id = 10_000 * locationId; products.length < 1000; id++) {
        const product = { ...products[0], id, location_id: locationId, description: 'd'.repeat(290) };
        products.push(product);
        doubles.data.products.push(product);
      }
    }
  });
  afterAll(() => doubles.stop());

  const catalogOf = (maxBytes?: number, ttlMs = 60_000) => {
    const { url } = doubles;
    const siblings = createSiblings({ verification: url, locations: url, products: url, codes: url }, 3_000);
    return new Catalog(siblings.products, ttlMs, maxBytes);
  };

  it('keeps menus by what they take, not by their number: one long menu pushes out another past the bound', async () => {
    const catalog = catalogOf(500_000);
    doubles.control.resetRequestCounts();
    expect(await catalog.menu(1)).toHaveLength(1000);
    expect(await catalog.menu(1)).toHaveLength(1000);
    expect(doubles.control.requestCount('/products/')).toBe(1);

    expect(await catalog.menu(3)).toHaveLength(1000);
    expect(await catalog.menu(1)).toHaveLength(1000);
    expect(doubles.control.requestCount('/products/')).toBe(3);
  });

  it('answers with a menu that expired and is fetched again while its expiry timer runs late, as on a busy instance', async () => {
    const catalog = catalogOf(undefined, 50);
    await catalog.menu(1);
    // The event loop held past the menu's expiry: its timer has not run when the next order asks.
    holdEventLoop(100);

    await expect(catalog.menu(1)).resolves.toHaveLength(1000);
  });

  it('keeps both under a bound they fit in', async () => {
    const catalog = catalogOf(2_000_000);
    doubles.control.resetRequestCounts();
    for (const locationId of [1, 3, 1, 3]) await catalog.menu(locationId);
    expect(doubles.control.requestCount('/products/')).toBe(2);
  });
});
