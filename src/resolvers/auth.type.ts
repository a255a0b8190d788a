import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "A representative's credential from the verification service." })
export class Credential {
  @Field(() => Int)
  userId!: number;

  @Field()
  sessionKey!: string;

  @Field({ description: 'Send as "Authorization: Bearer <token>" on HTTP, or as { authorization } in connection_init.' })
  token!: string;

  @Field(() => String, {
    nullable: true,
    description:
      "Keep it on this device and send it with its later logins (30 days): this device's failed logins are then counted on their own, and others failing as this username from the same address (a café's Wi-Fi) do not lock it out. Null when it could not be kept (keep the one you have).",
  })
  deviceKey!: string | null;
}

@ObjectType({ description: 'The signed-in representative.' })
export class User {
  @Field(() => Int)
  id!: number;
}
