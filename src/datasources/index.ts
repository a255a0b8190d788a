import type { SiblingUrls } from '../config';
import { CodesClient } from './codes';
import { LocationsClient } from './locations';
import { ProductsClient } from './products';
import type { SiblingOptions } from './sibling-data-source';
import { VerificationClient } from './verification';

export { CodesClient } from './codes';
export { LocationsClient, type Location } from './locations';
export { ProductsClient, type Product } from './products';
export { VerificationClient, type VerifiedCredential } from './verification';

export interface Siblings {
  verification: VerificationClient;
  locations: LocationsClient;
  products: ProductsClient;
  codes: CodesClient;
}

export function createSiblings(urls: Required<SiblingUrls>, timeoutMs: number, observe?: SiblingOptions['observe']): Siblings {
  return {
    verification: new VerificationClient({ baseUrl: urls.verification, timeoutMs, observe }),
    locations: new LocationsClient({ baseUrl: urls.locations, timeoutMs, observe }),
    products: new ProductsClient({ baseUrl: urls.products, timeoutMs, observe }),
    codes: new CodesClient({ baseUrl: urls.codes, timeoutMs, observe }),
  };
}
