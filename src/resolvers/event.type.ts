import { Field, GraphQLISODateTime, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import { OrderStatus } from '../entities';
import type { LocationEventRecord } from '../domain/location-events';
import type { SessionEventRecord } from '../domain/session-events';
import { Order } from './order.type';

const resolveType = (event: { type: string }) => event.type;

@InterfaceType({
  description: 'Something that happened in a session, on sessionEvents. seq is 1, 2, 3 … per session, with no gaps.',
  resolveType,
})
export abstract class SessionEvent {
  @Field(() => Int, { description: "Its place in the stream that carries it: the session's seq on sessionEvents, the location's on locationEvents." })
  seq!: number;

  @Field(() => GraphQLISODateTime)
  at!: string;

  @Field(() => ID, { description: 'The session it happened in.' })
  sessionId!: string;
}

@InterfaceType({
  description: "Something that happened at a location, on locationEvents (the order panel's stream). seq is 1, 2, 3 … per location, with no gaps.",
  resolveType,
})
export abstract class LocationEvent {
  @Field(() => Int, { description: "Its place in the stream that carries it: the session's seq on sessionEvents, the location's on locationEvents." })
  seq!: number;

  @Field(() => GraphQLISODateTime)
  at!: string;

  @Field(() => ID, { description: 'The session it happened in.' })
  sessionId!: string;
}

@ObjectType({ implements: [SessionEvent, LocationEvent] })
export class OrderPlaced extends SessionEvent {
  @Field(() => Order)
  order!: Order;
}

@ObjectType({ implements: [SessionEvent, LocationEvent] })
export class OrderStatusChanged extends SessionEvent {
  @Field(() => ID)
  orderId!: string;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field(() => OrderStatus)
  previousStatus!: OrderStatus;
}

@ObjectType({
  implements: [SessionEvent, LocationEvent],
  description: 'The last event of a session: no order is accepted after it.',
})
export class SessionClosed extends SessionEvent {
  @Field(() => GraphQLISODateTime)
  closedAt!: string;
}

@ObjectType({ implements: LocationEvent, description: 'A session was opened at the location (location streams only).' })
export class SessionOpened extends LocationEvent {
  @Field({ description: "The session's code, the customer's key to it." })
  code!: string;

  @Field()
  name!: string;
}

/** The GraphQL shape of a stored event: its payload's fields beside seq, at and sessionId. */
export function toGraphQLEvent(record: SessionEventRecord | LocationEventRecord) {
  return { type: record.type, seq: record.seq, at: record.at, sessionId: record.sessionId, ...record.payload };
}
