import { Field, GraphQLISODateTime, ID, Int, InterfaceType, ObjectType } from 'type-graphql';
import { OrderStatus } from '../entities';
import type { SessionEventRecord } from '../domain/session-events';
import { Order } from './order.type';

@InterfaceType({
  description: 'Something that happened in a session. seq is 1, 2, 3 … per session, with no gaps.',
  resolveType: (event: { type: string }) => event.type,
})
export abstract class SessionEvent {
  @Field(() => Int)
  seq!: number;

  @Field(() => GraphQLISODateTime)
  at!: string;
}

@ObjectType({ implements: SessionEvent })
export class OrderPlaced extends SessionEvent {
  @Field(() => Order)
  order!: Order;
}

@ObjectType({ implements: SessionEvent })
export class OrderStatusChanged extends SessionEvent {
  @Field(() => ID)
  orderId!: string;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field(() => OrderStatus)
  previousStatus!: OrderStatus;
}

@ObjectType({ implements: SessionEvent, description: 'The last event of a session: no order is accepted after it.' })
export class SessionClosed extends SessionEvent {
  @Field(() => GraphQLISODateTime)
  closedAt!: string;
}

/** The GraphQL shape of a stored event: its payload's fields beside seq and at. */
export function toGraphQLEvent(record: SessionEventRecord) {
  return { type: record.type, seq: record.seq, at: record.at, ...record.payload };
}
