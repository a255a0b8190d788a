/** Every PubSub topic name, in one place. One topic per session keeps the cost of an event independent of other sessions. */
export const Topics = {
  session: (sessionId: string) => `ordered:session:${sessionId}`,
} as const;
