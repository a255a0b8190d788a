import { randomUUID } from 'node:crypto';
import { graphql } from './graphql-client';
import { LOGIN, OPEN_SESSION, PLACE_ORDER } from './operations';

/** The demo data of the sibling doubles (src/dev/siblings/demo-data.ts). */
export const DEMO = {
  representative: { username: 'demo', password: 'demo-password' },
  rival: { username: 'rival', password: 'rival-password' },
  cafe: 1,
  rivalBistro: 2,
  /** The demo representative's second location. */
  beerGarden: 3,
  espresso: { id: 1, price: '2.40' },
  cappuccino: { id: 2, price: '3.20' },
  croissant: { id: 3, price: '2.10' },
  steakFrites: { id: 101 },
} as const;

export async function login(url: string, who: { username: string; password: string } = DEMO.representative): Promise<string> {
  const response = await graphql(url, LOGIN, who);
  if (!response.data) throw new Error(`login failed: ${JSON.stringify(response.errors)}`);
  return response.data.login.token;
}

export async function openSession(url: string, token: string, name: string, locationId: number = DEMO.cafe) {
  const response = await graphql(url, OPEN_SESSION, { locationId, name }, token);
  if (!response.data) throw new Error(`openSession failed: ${JSON.stringify(response.errors)}`);
  return response.data.openSession as { id: string; code: string; name: string };
}

export interface OrderLine {
  productId: number;
  quantity: number;
  note?: string;
}

export async function placeOrder(url: string, code: string, items: OrderLine[] = [{ productId: DEMO.espresso.id, quantity: 1 }], key: string = randomUUID()) {
  return graphql(url, PLACE_ORDER, { code, items, idempotencyKey: key });
}
