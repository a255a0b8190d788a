import { Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { OrderStatus } from '../entities';
import { Money } from '../schema/scalars';

registerEnumType(OrderStatus, {
  name: 'OrderStatus',
  description: 'PLACED → ACCEPTED → PREPARING → SERVED, or CANCELLED from any state before SERVED.',
});

@ObjectType({ description: 'One line of an order, with the product as it was when ordered.' })
export class OrderItem {
  @Field(() => Int)
  productId!: number;

  @Field({ description: "The product's name when it was ordered." })
  name!: string;

  @Field(() => Money, { description: "The product's price when it was ordered." })
  unitPrice!: string;

  @Field(() => Int)
  quantity!: number;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => Money, { description: 'unitPrice × quantity.' })
  lineTotal!: string;
}

@ObjectType()
export class Order {
  @Field(() => ID)
  id!: string;

  @Field(() => OrderStatus)
  status!: OrderStatus;

  @Field(() => GraphQLISODateTime)
  placedAt!: string;

  @Field(() => [OrderItem])
  items!: OrderItem[];

  @Field(() => Money)
  total!: string;
}
