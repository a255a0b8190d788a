import { Field, InputType, Int } from 'type-graphql';

@InputType({ description: 'One line of a new order: 1..99 of a product of the session\'s location, with an optional note.' })
export class OrderItemInput {
  @Field(() => Int)
  productId!: number;

  @Field(() => Int, { description: '1 to 99.' })
  quantity!: number;

  @Field(() => String, { nullable: true, description: 'At most 500 characters, e.g. "no sugar".' })
  note?: string | null;
}
