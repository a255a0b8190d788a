import { spacedTurns } from '../spaced-turns';

/** The least time between two queries of one loader while look-ups keep coming. */
export const LOOKUP_SPACING_MS = 2;

/**
 * DataLoader options for look-ups that many connections make at once (a restart, a busy
 * hour): the loads of one event-loop turn (every socket that was readable together) share one
 * query, not only those of one tick, and under load those of the turns of LOOKUP_SPACING_MS
 * (see spacedTurns). Nothing is cached: each load asks the database. One per loader.
 */
export function sharedLookups() {
  return { cache: false, batchScheduleFn: spacedTurns(LOOKUP_SPACING_MS) } as const;
}
