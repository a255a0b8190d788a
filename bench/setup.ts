import { now } from './lib/clock';
import { LOCATION_EVENTS_PAGE, LOGIN, OPEN_SESSION } from './lib/documents';
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
