import { Field, Int, ObjectType } from 'type-graphql';
import { Money } from '../schema/scalars';

@ObjectType({ description: 'Something on a location\'s menu (from the products service).' })
export class Product {
  @Field(() => Int)
  id!: number;

  @Field(() => Int)
  locationId!: number;

  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field(() => Money)
  price!: string;

  @Field(() => [String])
  tags!: string[];

  @Field(() => [String])
  categories!: string[];

  @Field(() => [String])
  additives!: string[];
}

@ObjectType({ description: 'A café or restaurant (from the locations service).' })
export class Location {
  @Field(() => Int)
  id!: number;

  @Field()
  name!: string;

  @Field()
  description!: string;

  @Field()
  address!: string;
}
