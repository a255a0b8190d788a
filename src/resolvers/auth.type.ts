import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "A representative's credential from the verification service." })
export class Credential {
  @Field(() => Int)
  userId!: number;

  @Field()
  sessionKey!: string;

  @Field({ description: 'Send as "Authorization: Bearer <token>" on HTTP, or as { authorization } in connection_init.' })
  token!: string;
}

@ObjectType({ description: 'The signed-in representative.' })
export class User {
  @Field(() => Int)
  id!: number;
}
