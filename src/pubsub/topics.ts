/**
 * Every PubSub topic name, in one place. One topic per session and one per location keep the
 * cost of an event independent of the subscriptions to other sessions and locations.
 */
export const Topics = {
  session: (sessionId: string) => `ordered:session:${sessionId}`,
  location: (locationId: number | string) => `ordered:location:${locationId}`,
} as const;
