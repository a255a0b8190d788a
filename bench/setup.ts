import { randomBytes } from 'node:crypto';
import { now } from './lib/clock';
import { CLOSE_SESSION, LOCATION_EVENTS_PAGE, LOGIN, OPEN_SESSION, PLACE_ORDER, SET_ORDER_STATUS } from './lib/documents';
import { GraphQLHttp } from './lib/http-graphql';
import { round } from './lib/stats';
import type { SessionRef } from './scenarios/context';

/** The demo data of the sibling doubles (src/dev/siblings/demo-data.ts). */
export const DEMO = {
  representative: { username: 'demo', password: 'demo-password' },
  rival: { username: 'rival', password: 'rival-password' },
} as const;

export async function login(url: string, who: { username: string; password: string }): Promise<string> {
  const http = new GraphQLHttp(url, 1);
  try {
    return (await http.data<{ login: { token: string } }>(LOGIN, who)).login.token;
  } finally {
    http.close();
  }
}

/** Opens sessions named `<prefix>-<n>` at a location, `concurrency` at a time; returns them in order and the rate it managed. */
export async function openSessions(
  url: string,
  token: string,
  locationId: number,
  productIds: readonly number[],
  prefix: string,
  count: number,
  concurrency = 16,
): Promise<{ sessions: SessionRef[]; perSecond: number }> {
  const http = new GraphQLHttp(url, concurrency);
  const sessions: SessionRef[] = new Array(count);
  const startedAt = now();
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const index = next++;
          const { openSession } = await http.data<{ openSession: { id: string; code: string } }>(OPEN_SESSION, { locationId, name: `${prefix}-${index}` }, token);
          sessions[index] = { id: openSession.id, code: openSession.code, productIds: [...productIds] };
        }
      }),
    );
  } finally {
    http.close();
  }
  return { sessions, perSecond: round((count / (now() - startedAt)) * 1000, 0) };
}

/**
 * What every instance in production also does: a session opened, an order placed and moved
 * along, the session closed. Each scenario's service does it before it is measured, so that
 * what those paths cost or leave behind in the process is measured too (MikroORM's unit of
 * work used to leave AsyncLocalStorage hooks on every later promise, unseen while only the
 * setup service opened sessions).
 */
export async function exerciseEveryWrite(url: string, token: string, locationId: number, productId: number): Promise<void> {
  const http = new GraphQLHttp(url, 1);
  try {
    const name = `exercise-${randomBytes(4).toString('hex')}`;
    const { openSession } = await http.data<{ openSession: { code: string } }>(OPEN_SESSION, { locationId, name }, token);
    const items = [{ productId, quantity: 1 }];
    const { placeOrder } = await http.data<{ placeOrder: { id: string } }>(PLACE_ORDER, { code: openSession.code, items, idempotencyKey: name });
    await http.data(SET_ORDER_STATUS, { orderId: placeOrder.id, status: 'ACCEPTED' }, token);
    await http.data(CLOSE_SESSION, { code: openSession.code }, token);
  } finally {
    http.close();
  }
}

/** The seq of a location's last event (reading its log 1000 events at a time). */
export async function locationHead(url: string, token: string, locationId: number): Promise<number> {
  const http = new GraphQLHttp(url, 1);
  try {
    let head = 0;
    for (;;) {
      const { locationEvents } = await http.data<{ locationEvents: { seq: number }[] }>(LOCATION_EVENTS_PAGE, { locationId, afterSeq: head }, token);
      if (locationEvents.length === 0) return head;
      head = locationEvents[locationEvents.length - 1].seq;
    }
  } finally {
    http.close();
  }
}
